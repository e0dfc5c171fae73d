package dev.tfjvm.cty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * Property: for random types and random conforming values (nulls, unknowns, refinements, dynamic
 * parts, big and fractional numbers, unicode), decode(encode(v)) == v, re-encoding gives the same
 * bytes, and an independent msgpack parser (msgpack-core) reads our output as one well-formed
 * value. Seeds are fixed, so failures reproduce; each failure names its seed and case.
 */
class CtyRandomRoundTripTest {

    private static final int CASES_PER_SEED = 1500;

    @ParameterizedTest
    @ValueSource(longs = {1L, 42L, 20261124L})
    void msgpackRoundTrips(long seed) {
        RandomCty gen = new RandomCty(seed, true, true);
        for (int i = 0; i < CASES_PER_SEED; i++) {
            CtyType t = gen.type(4);
            CtyValue v = gen.value(t, 5);
            String where = "seed " + seed + ", case " + i + ", type " + t + ", value " + v;
            try {
                assertThat(CtyConform.problems(v, t))
                        .as("generated value conforms; " + where)
                        .isEmpty();
                byte[] bytes = CtyMsgpack.encode(v, t);
                assertWellFormedMsgpack(bytes, where);
                CtyValue back = CtyMsgpack.decode(bytes, t);
                assertThat(back).as(where).isEqualTo(v);
                assertThat(CtyMsgpack.encode(back, t))
                        .as("re-encoding; " + where)
                        .isEqualTo(bytes);
                CtyType ty = CtyType.fromJson(t.toJson());
                assertThat(ty).as("type JSON; " + where).isEqualTo(t);
            } catch (CtyEncodeException | CtyDecodeException e) {
                fail(where + ": " + e.getMessage(), e);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {7L, 99L, 31337L})
    void jsonRoundTrips(long seed) {
        RandomCty gen = new RandomCty(seed, false, false);
        for (int i = 0; i < CASES_PER_SEED; i++) {
            CtyType t = gen.type(4);
            CtyValue v = gen.value(t, 5);
            String where = "seed " + seed + ", case " + i + ", type " + t + ", value " + v;
            try {
                byte[] json = CtyJson.encode(v, t);
                CtyValue back = CtyJson.decode(json, t);
                assertThat(back).as(where).isEqualTo(v);
                assertThat(CtyJson.encode(back, t)).as("re-encoding; " + where).isEqualTo(json);
                // The same value also survives msgpack, and both decoders agree.
                assertThat(CtyMsgpack.decode(CtyMsgpack.encode(v, t), t))
                        .as(where)
                        .isEqualTo(back);
            } catch (CtyEncodeException | CtyDecodeException e) {
                fail(where + ": " + e.getMessage(), e);
            }
        }
    }

    private static void assertWellFormedMsgpack(byte[] bytes, String where) {
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(bytes)) {
            u.unpackValue();
            assertThat(u.hasNext()).as("exactly one msgpack value; " + where).isFalse();
        } catch (Exception e) {
            fail("msgpack-core cannot read our encoding; " + where, e);
        }
    }
}
