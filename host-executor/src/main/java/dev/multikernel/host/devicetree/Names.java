package dev.multikernel.host.devicetree;

/** Validation of node and property names (shared by the model and the parser). */
final class Names {
    private Names() {}

    /** Longest node or property name accepted; generous next to the spec's 31 characters. */
    static final int MAX_NAME_LENGTH = 1024;

    /**
     * Why {@code name} cannot be a node or property name, or {@code null} if it can. Names are
     * printable ASCII without '/' (it separates path components) and non-empty.
     */
    static String problem(String name) {
        if (name == null) {
            return "name is null";
        }
        if (name.isEmpty()) {
            return "name is empty";
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return "name is longer than " + MAX_NAME_LENGTH + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return String.format(
                        "name contains character 0x%02x at index %d (only printable ASCII"
                                + " without spaces is allowed)",
                        (int) c, i);
            }
            if (c == '/') {
                return "name contains '/' (it separates path components)";
            }
        }
        return null;
    }

    static String quote(String name) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < name.length() && i < 80; i++) {
            char c = name.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                sb.append(c);
            } else {
                sb.append(String.format("\\x%02x", (int) c & 0xff));
            }
        }
        if (name.length() > 80) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }
}
