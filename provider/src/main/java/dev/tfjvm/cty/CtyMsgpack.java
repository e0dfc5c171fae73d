package dev.tfjvm.cty;

/** msgpack encoding of cty values (tfplugin6 DynamicValue.msgpack). */
public final class CtyMsgpack {
    private CtyMsgpack() {
    }

    public static byte[] encode(CtyValue v, CtyType schemaType) throws CtyEncodeException {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public static CtyValue decode(byte[] data, CtyType schemaType) throws CtyDecodeException {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
