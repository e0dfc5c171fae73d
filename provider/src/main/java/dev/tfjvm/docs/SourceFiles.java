package dev.tfjvm.docs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads the generator's input and output files with a size bound and strict UTF-8. */
final class SourceFiles {
    /** Far above any real page or example; a bound so a wrong path cannot exhaust memory. */
    static final int MAX_BYTES = 4 << 20;

    private SourceFiles() {}

    static String read(Path file) throws DocsException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new DocsException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length > MAX_BYTES) {
            throw new DocsException(file + " is larger than " + (MAX_BYTES >> 20)
                    + " MiB; examples, templates and pages are expected to be small text files.");
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new DocsException(file + " is not valid UTF-8 text; save it as UTF-8.", e);
        }
    }

    /** The entries of a directory sorted by name, or none when it does not exist. */
    static List<Path> list(Path dir) throws DocsException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> out = new ArrayList<>(s.sorted().toList());
            return out;
        } catch (IOException e) {
            throw new DocsException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    static String fileName(Path p) {
        return p.getFileName().toString();
    }
}
