package dev.multikernel.host.devicetree.multikernel;

/** Instance name rule (§1 current tree): non-empty, no '/'; also usable as a node name. */
final class InstanceNames {
    private InstanceNames() {}

    static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "instance name is empty";
        }
        if (name.indexOf('/') >= 0) {
            return "instance name \"" + name + "\" contains '/'";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return "instance name \"" + name + "\" contains a non-printable or non-ASCII character";
            }
        }
        if (name.length() > 255) {
            return "instance name is longer than 255 characters";
        }
        return null;
    }

    static void check(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }
}
