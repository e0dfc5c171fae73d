package dev.multikernel.host.ssh;

import java.security.SecureRandom;
import java.util.HexFormat;

/** The shell command that writes stdin to a file atomically (temporary file, then rename). */
final class Uploads {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Uploads() {}

    static String command(String remotePath, int mode) {
        if (remotePath.isBlank() || remotePath.endsWith("/")) {
            throw new IllegalArgumentException("'" + remotePath + "' is not a file path");
        }
        if (mode < 0 || mode > 07777) {
            throw new IllegalArgumentException("file mode must be 0..07777, got " + Integer.toOctalString(mode));
        }
        int slash = remotePath.lastIndexOf('/');
        String dir = slash < 0 ? "." : slash == 0 ? "/" : remotePath.substring(0, slash);
        byte[] r = new byte[6];
        RANDOM.nextBytes(r);
        String tmp = remotePath + ".tmp-" + HexFormat.of().formatHex(r);
        return "umask 077 && mkdir -p -- " + Shell.quote(dir) + " && cat > " + Shell.quote(tmp)
                + " && chmod " + Integer.toOctalString(mode) + " -- " + Shell.quote(tmp) + " && mv -f -- "
                + Shell.quote(tmp) + " " + Shell.quote(remotePath) + " || { rm -f -- " + Shell.quote(tmp)
                + "; exit 1; }";
    }
}
