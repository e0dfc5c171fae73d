package dev.multikernel.host.state;

import dev.multikernel.host.devicetree.multikernel.PoolTree;

/**
 * The pool (current tree only): the root {@code device_tree} as read back.
 *
 * @param deviceTree the pool DTB and its reading (CPUs, free CPUs, memory chunks, devices)
 */
public record PoolState(DeviceTreeBlob<PoolTree> deviceTree) {}
