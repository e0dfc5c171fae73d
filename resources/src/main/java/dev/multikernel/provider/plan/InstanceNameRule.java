package dev.multikernel.provider.plan;

import java.util.Optional;

/**
 * The instance name rule: a kernfs directory name and a device-tree node name. Non-empty, at
 * most 255 bytes, printable ASCII without {@code /}, and not {@code .} or {@code ..}.
 */
public final class InstanceNameRule {
    public static final int MAX_LENGTH = 255;

    private InstanceNameRule() {}

    /** What is wrong with {@code name}, with a suggestion; empty when it is valid. */
    public static Optional<String> problem(String name) {
        if (name.isEmpty()) {
            return Optional.of("The instance name is empty; give it a name such as \"web\".");
        }
        if (name.equals(".") || name.equals("..")) {
            return Optional.of("\"" + name + "\" names a directory entry of its own in /sys/fs/multikernel/instances;"
                    + " pick another name.");
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of("The instance name is " + name.length() + " characters long; the kernel allows "
                    + MAX_LENGTH + ".");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/') {
                return Optional.of("The instance name \"" + name + "\" contains '/', which a directory name cannot"
                        + " hold; use '-' or '_' instead.");
            }
            if (c < 0x21 || c > 0x7e) {
                return Optional.of("The instance name \"" + name + "\" contains a space, a control character or a"
                        + " non-ASCII character (at position " + (i + 1) + "); use letters, digits, '-' and '_'.");
            }
        }
        return Optional.empty();
    }
}
