package dev.tfjvm.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The demo's "remote system": one JSON document per object in a directory. Editing a file by
 * hand is an out-of-band change, which the next refresh sees as drift.
 */
final class ObjectStore {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private final Path dir;

    ObjectStore(Path dir) {
        this.dir = dir;
    }

    Optional<String> get(String kind, String id) throws IOException {
        try {
            return Optional.of(Files.readString(file(kind, id), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    void put(String kind, String id, String json) throws IOException {
        Path target = file(kind, id);
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".json");
        Files.writeString(tmp, json, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    boolean delete(String kind, String id) throws IOException {
        return Files.deleteIfExists(file(kind, id));
    }

    private Path file(String kind, String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("invalid id \"" + id + "\": use lowercase letters, digits and dashes");
        }
        return dir.resolve(kind).resolve(id + ".json");
    }
}
