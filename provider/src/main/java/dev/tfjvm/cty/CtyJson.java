package dev.tfjvm.cty;

/** JSON encoding of cty values (tfplugin6 RawState.json). */
public final class CtyJson {
    private CtyJson() {
    }

    public static byte[] encode(CtyValue v, CtyType schemaType) throws CtyEncodeException {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public static CtyValue decode(byte[] json, CtyType schemaType) throws CtyDecodeException {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
