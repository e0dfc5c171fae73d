package dev.tfjvm.cty;

import java.util.HexFormat;

/** Hex helpers for golden-byte assertions: "82 a1 61" style, spaces ignored. */
final class Hex {
    private Hex() {}

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String of(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }
}
