package dev.multikernel.host.devicetree;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads test resources under {@code src/test/resources/devicetree/}. */
public final class TestResources {
    private TestResources() {}

    public static byte[] bytes(String name) {
        String path = "/devicetree/" + name;
        try (InputStream in = TestResources.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new AssertionError("missing test resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }
}
