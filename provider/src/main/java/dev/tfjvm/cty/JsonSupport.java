package dev.tfjvm.cty;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;

/** The Jackson factory shared by the JSON codecs, with limits that keep hostile input cheap. */
final class JsonSupport {
    private JsonSupport() {}

    /** Deepest nesting of types or values the codecs accept. */
    static final int MAX_DEPTH = 512;

    static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    // Our own depth counters are the real limit; this one is a safety net below the stack limit.
                    .maxNestingDepth(4 * MAX_DEPTH)
                    .maxNumberLength(CtyNumber.MAX_DIGITS + 64)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    static JsonParser parser(byte[] json) throws IOException {
        return FACTORY.createParser(json);
    }
}
