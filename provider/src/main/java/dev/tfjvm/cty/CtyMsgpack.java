package dev.tfjvm.cty;

import dev.tfjvm.cty.CtyType.DynamicType;
import dev.tfjvm.cty.CtyType.ListType;
import dev.tfjvm.cty.CtyType.MapType;
import dev.tfjvm.cty.CtyType.ObjectType;
import dev.tfjvm.cty.CtyType.SetType;
import dev.tfjvm.cty.CtyType.TupleType;
import dev.tfjvm.cty.CtyValue.Bool;
import dev.tfjvm.cty.CtyValue.ListVal;
import dev.tfjvm.cty.CtyValue.MapVal;
import dev.tfjvm.cty.CtyValue.Null;
import dev.tfjvm.cty.CtyValue.Num;
import dev.tfjvm.cty.CtyValue.ObjectVal;
import dev.tfjvm.cty.CtyValue.SetVal;
import dev.tfjvm.cty.CtyValue.Str;
import dev.tfjvm.cty.CtyValue.TupleVal;
import dev.tfjvm.cty.CtyValue.Unknown;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * msgpack encoding of cty values, as tfplugin6 {@code DynamicValue.msgpack} carries them
 * (go-cty's cty/msgpack wire format).
 *
 * <ul>
 *   <li>null is nil; strings are UTF-8 (NFC); bools are bools.
 *   <li>Numbers: every finite number is a string with its plain decimal text, the form go-cty
 *       decodes exactly as it decodes a number from JSON (see {@link #writeNumber}). Infinities are
 *       float64 infinities. Refinement bounds keep the compact form (int, float64, else string).
 *       The decoder accepts any int, uint, float32, float64 or numeric string.
 *   <li>Lists, sets and tuples are arrays; maps are maps; objects are maps with exactly one entry
 *       per attribute, sorted by name.
 *   <li>Where the schema says {@code dynamic}, the value is {@code [bin(type JSON), value]}, except
 *       that an untyped null is nil and an untyped unknown is the unknown extension.
 *   <li>Unknown values are extensions: an unrefined unknown is {@code d4 00 00}; a refined unknown
 *       is extension 12 whose payload is a map of refinements. The decoder treats every extension
 *       as an unknown and reads refinements only from extension 12 payloads of more than one byte.
 * </ul>
 *
 * <p>Decoding never trusts declared lengths: a container cannot claim more elements than bytes
 * remain, nesting is limited to {@value JsonSupport#MAX_DEPTH} levels, refinement payloads to
 * {@value #MAX_REFINEMENTS_BYTES} bytes, and every malformation is a {@link CtyDecodeException}.
 */
public final class CtyMsgpack {
    private CtyMsgpack() {}

    /** Extension type of a refined unknown value. */
    static final byte REFINED_UNKNOWN_EXT = 0x0c;
    /** Largest refinement payload accepted (Terraform's decoder refuses larger ones too). */
    public static final int MAX_REFINEMENTS_BYTES = 1024;
    /** String prefixes are cut to this many UTF-8 bytes so refinement payloads stay small. */
    static final int MAX_PREFIX_BYTES = 256;
    /** A number bound whose encoding is larger than this is left out (a weaker, still true refinement). */
    static final int MAX_BOUND_BYTES = 256;

    static final int KEY_NULLNESS = 1;
    static final int KEY_STRING_PREFIX = 2;
    static final int KEY_NUMBER_MIN = 3;
    static final int KEY_NUMBER_MAX = 4;
    static final int KEY_LENGTH_MIN = 5;
    static final int KEY_LENGTH_MAX = 6;

    // ---- encoding ------------------------------------------------------------------------

    /**
     * Encodes {@code v} as the schema type {@code schemaType} expects.
     *
     * @throws CtyEncodeException if {@code v} does not fit {@code schemaType}, holds a string that
     *     is not valid Unicode, or is nested too deeply
     */
    public static byte[] encode(CtyValue v, CtyType schemaType) throws CtyEncodeException {
        MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
        try {
            encode(v, schemaType, CtyPath.ROOT, 0, packer);
            return packer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
    }

    private static void encode(CtyValue v, CtyType t, CtyPath path, int depth, MessageBufferPacker out)
            throws CtyEncodeException, IOException {
        if (depth > JsonSupport.MAX_DEPTH) {
            throw new CtyEncodeException(path, "value is nested deeper than " + JsonSupport.MAX_DEPTH + " levels");
        }
        if (t instanceof DynamicType && !(v.type() instanceof DynamicType)) {
            byte[] typeJson = v.type().toJson();
            out.packArrayHeader(2);
            out.packBinaryHeader(typeJson.length);
            out.writePayload(typeJson);
            encode(v, v.type(), path, depth + 1, out);
            return;
        }
        if (v instanceof Unknown u) {
            CtyTypes.requireCompatible(v, t, path);
            writeUnknown(u, out);
            return;
        }
        if (v instanceof Null) {
            CtyTypes.requireCompatible(v, t, path);
            out.packNil();
            return;
        }
        if (t == CtyType.STRING) {
            if (!(v instanceof Str s)) {
                throw CtyTypes.mismatch(v, t, path);
            }
            byte[] utf8 = utf8(s.value(), path);
            out.packRawStringHeader(utf8.length);
            out.writePayload(utf8);
        } else if (t == CtyType.NUMBER) {
            if (!(v instanceof Num n)) {
                throw CtyTypes.mismatch(v, t, path);
            }
            writeNumber(n.value(), out);
        } else if (t == CtyType.BOOL) {
            if (!(v instanceof Bool b)) {
                throw CtyTypes.mismatch(v, t, path);
            }
            out.packBoolean(b.value());
        } else if (t instanceof ListType lt) {
            if (!(v instanceof ListVal l)) {
                throw CtyTypes.mismatch(v, t, path);
            }
            requireCompatibleIfEmpty(l.elements().isEmpty(), v, t, path);
            out.packArrayHeader(l.elements().size());
            for (int i = 0; i < l.elements().size(); i++) {
                encode(l.elements().get(i), lt.element(), path.index(i), depth + 1, out);
            }
        } else if (t instanceof SetType st) {
            if (!(v instanceof SetVal s)) {
                throw CtyTypes.mismatch(v, t, path);
            }
            requireCompatibleIfEmpty(s.elements().isEmpty(), v, t, path);
            out.packArrayHeader(s.elements().size());
            for (CtyValue e : s.elements()) {
                encode(e, st.element(), path, depth + 1, out);
            }
        } else if (t instanceof MapType mt) {
            if (!(v instanceof MapVal m)) {
                throw CtyTypes.mismatch(v, t, path);
            }
            requireCompatibleIfEmpty(m.entries().isEmpty(), v, t, path);
            out.packMapHeader(m.entries().size());
            for (Map.Entry<String, CtyValue> e : m.entries().entrySet()) {
                byte[] key = utf8(e.getKey(), path);
                out.packRawStringHeader(key.length);
                out.writePayload(key);
                encode(e.getValue(), mt.element(), path.key(e.getKey()), depth + 1, out);
            }
        } else if (t instanceof TupleType tt) {
            if (!(v instanceof TupleVal tv)) {
                throw CtyTypes.mismatch(v, t, path);
            }
            if (tv.elements().size() != tt.elements().size()) {
                throw new CtyEncodeException(
                        path,
                        "a tuple of " + tt.elements().size() + " elements is required, but have "
                                + tv.elements().size());
            }
            out.packArrayHeader(tt.elements().size());
            for (int i = 0; i < tt.elements().size(); i++) {
                encode(tv.elements().get(i), tt.elements().get(i), path.index(i), depth + 1, out);
            }
        } else if (t instanceof ObjectType ot) {
            if (!(v instanceof ObjectVal o)) {
                throw CtyTypes.mismatch(v, t, path);
            }
            for (String name : o.attributes().keySet()) {
                if (!ot.hasAttribute(name)) {
                    throw new CtyEncodeException(
                            path,
                            "unsupported attribute \"" + name + "\": the schema type has only "
                                    + ot.attributes().keySet());
                }
            }
            out.packMapHeader(ot.attributes().size());
            for (Map.Entry<String, CtyType> attr : ot.attributes().entrySet()) {
                String name = attr.getKey();
                CtyValue a = o.attributes().get(name);
                if (a == null) {
                    if (!ot.optional().contains(name)) {
                        throw new CtyEncodeException(path, "attribute \"" + name + "\" is required");
                    }
                    a = CtyValue.nullOf(attr.getValue());
                }
                byte[] key = utf8(name, path);
                out.packRawStringHeader(key.length);
                out.writePayload(key);
                encode(a, attr.getValue(), path.attr(name), depth + 1, out);
            }
        } else {
            throw CtyTypes.mismatch(v, t, path);
        }
    }

    /** Elements are checked one by one; an empty collection has only its type to check. */
    private static void requireCompatibleIfEmpty(boolean empty, CtyValue v, CtyType t, CtyPath path)
            throws CtyEncodeException {
        if (empty) {
            CtyTypes.requireCompatible(v, t, path);
        }
    }

    static byte[] utf8(String s, CtyPath path) throws CtyEncodeException {
        try {
            ByteBuffer bb = StandardCharsets.UTF_8
                    .newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            byte[] out = new byte[bb.remaining()];
            bb.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new CtyEncodeException(path, "string is not valid Unicode (unpaired surrogate)", e);
        }
    }

    /**
     * A value's number, always as decimal text when finite. go-cty turns a msgpack int into a
     * 64-bit {@code big.Float} but decimal text (from msgpack or from the JSON state file) into a
     * 512-bit one; Terraform 1.11 to 1.14 compare the refreshed state with the previous run's by
     * {@code reflect.DeepEqual}, so an int here made every refresh-only plan report changes
     * (hashicorp/terraform#36403, fixed in 1.15). Text decodes the same on every version.
     */
    static void writeNumber(CtyNumber n, MessageBufferPacker out) throws IOException {
        if (n.isInfinite()) {
            out.packDouble(n.signum() > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
        } else {
            writeText(n, out);
        }
    }

    /** A refinement bound in the compact form go-cty itself writes; nothing compares bounds by identity. */
    static void writeBound(CtyNumber n, MessageBufferPacker out) throws IOException {
        if (n.isInfinite()) {
            out.packDouble(n.signum() > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
        } else if (n.fitsLong()) {
            out.packLong(n.longValueExact());
        } else if (!n.isIntegral() && n.isExactDouble()) {
            out.packDouble(n.doubleValue());
        } else {
            writeText(n, out);
        }
    }

    private static void writeText(CtyNumber n, MessageBufferPacker out) throws IOException {
        byte[] text = n.toString().getBytes(StandardCharsets.US_ASCII);
        out.packRawStringHeader(text.length);
        out.writePayload(text);
    }

    /** Plain unknowns as {@code d4 00 00}; refined ones as extension 12 with a refinement map. */
    private static void writeUnknown(Unknown u, MessageBufferPacker out) throws IOException {
        List<byte[]> entries = refinementEntries(u.refinements());
        if (entries.isEmpty()) {
            out.packExtensionTypeHeader((byte) 0, 1);
            out.writePayload(new byte[] {0});
            return;
        }
        MessageBufferPacker payload = MessagePack.newDefaultBufferPacker();
        payload.packMapHeader(entries.size());
        for (byte[] entry : entries) {
            payload.writePayload(entry);
        }
        byte[] bytes = payload.toByteArray();
        out.packExtensionTypeHeader(REFINED_UNKNOWN_EXT, bytes.length);
        out.writePayload(bytes);
    }

    /** Each refinement as its encoded key and value, keeping the payload well under the decoder limit. */
    private static List<byte[]> refinementEntries(Refinements r) throws IOException {
        List<byte[]> entries = new ArrayList<>();
        if (r.isNotNull()) {
            MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
            p.packInt(KEY_NULLNESS).packBoolean(false);
            entries.add(p.toByteArray());
        }
        if (r.stringPrefix().isPresent()) {
            byte[] prefix = truncateUtf8(r.stringPrefix().get(), MAX_PREFIX_BYTES);
            if (prefix.length > 0) {
                MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
                p.packInt(KEY_STRING_PREFIX).packRawStringHeader(prefix.length).writePayload(prefix);
                entries.add(p.toByteArray());
            }
        }
        addBound(entries, KEY_NUMBER_MIN, r.lowerBound());
        addBound(entries, KEY_NUMBER_MAX, r.upperBound());
        if (r.lengthMin().isPresent()) {
            MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
            p.packInt(KEY_LENGTH_MIN).packLong(r.lengthMin().getAsLong());
            entries.add(p.toByteArray());
        }
        if (r.lengthMax().isPresent()) {
            MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
            p.packInt(KEY_LENGTH_MAX).packLong(r.lengthMax().getAsLong());
            entries.add(p.toByteArray());
        }
        return entries;
    }

    private static void addBound(List<byte[]> entries, int key, java.util.Optional<Refinements.NumberBound> bound)
            throws IOException {
        if (bound.isEmpty()) {
            return;
        }
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packInt(key).packArrayHeader(2);
        writeBound(bound.get().value(), p);
        p.packBoolean(bound.get().inclusive());
        byte[] bytes = p.toByteArray();
        if (bytes.length <= MAX_BOUND_BYTES) {
            entries.add(bytes);
        }
    }

    /** The longest prefix of {@code s} whose UTF-8 form fits in {@code max} bytes, cut between code points. */
    static byte[] truncateUtf8(String s, int max) {
        byte[] all = s.getBytes(StandardCharsets.UTF_8);
        if (all.length <= max) {
            return all;
        }
        int end = max;
        while (end > 0 && (all[end] & 0xC0) == 0x80) {
            end--; // all[end] is a continuation byte: the code point starting before it does not fit
        }
        byte[] out = new byte[end];
        System.arraycopy(all, 0, out, 0, end);
        return out;
    }

    // ---- decoding ------------------------------------------------------------------------

    /**
     * Decodes msgpack bytes as a value of {@code schemaType}. Where the schema type is (partly)
     * dynamic, the result has the concrete types the encoding carries.
     *
     * @throws CtyDecodeException for malformed msgpack or data that does not fit the type; the
     *     message and {@link CtyDecodeException#path()} say where
     */
    public static CtyValue decode(byte[] data, CtyType schemaType) throws CtyDecodeException {
        MsgpackDecoder decoder = new MsgpackDecoder(data, 0, data.length);
        try {
            CtyValue v = decoder.decode(schemaType, CtyPath.ROOT, 0);
            decoder.requireEnd(CtyPath.ROOT);
            return v;
        } catch (RuntimeException e) {
            // Every known malformation is reported above; this is a last line of defence so that
            // callers only ever see the checked exception for bad input.
            throw new CtyDecodeException(CtyPath.ROOT, "internal decoder error on malformed input: " + e, e);
        }
    }
}
