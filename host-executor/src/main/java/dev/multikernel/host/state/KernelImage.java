package dev.multikernel.host.state;

/**
 * One row of {@code /proc/kimage}.
 *
 * @param mkId     the multikernel id the image belongs to
 * @param type     the image type ({@code multikernel}, ...)
 * @param start    its start address as printed ({@code 0x...}; may exceed a signed long)
 * @param segments number of segments
 */
public record KernelImage(int mkId, String type, String start, int segments) {}
