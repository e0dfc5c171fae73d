package dev.tfjvm.docs;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One way a docs directory differs from what the generator produces.
 *
 * @param path the file, relative to the docs directory ({@code resources/server.md})
 * @param kind missing, out of date, or no longer generated
 * @param detail for {@link Kind#OUT_OF_DATE}, the first line that differs; otherwise empty
 */
public record DocsDifference(Path path, Kind kind, String detail) {
    public enum Kind {
        /** The generator produces the file but the docs directory lacks it. */
        MISSING("missing"),
        /** The file exists with other content than the generator produces. */
        OUT_OF_DATE("out of date"),
        /** The file is in the docs directory but the generator no longer produces it. */
        STALE("stale (no longer generated)");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public DocsDifference {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kind, "kind");
        detail = detail == null ? "" : detail;
    }

    /** One line such as {@code resources/server.md: out of date (line 12: ...)}. */
    @Override
    public String toString() {
        return RegistryDocs.slashed(path) + ": " + kind.label() + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
