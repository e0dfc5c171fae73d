package dev.multikernel.host.ssh;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Quoting for POSIX shell command lines built from arguments. */
public final class Shell {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private Shell() {}

    /**
     * One argument as the shell must see it: unchanged when it has only safe characters, otherwise in
     * single quotes (a single quote inside becomes {@code '\''}). NUL cannot be passed and is refused.
     */
    public static String quote(String argument) {
        if (argument.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a shell argument cannot contain a NUL character");
        }
        if (!argument.isEmpty() && SAFE.matcher(argument).matches()) {
            return argument;
        }
        return "'" + argument.replace("'", "'\\''") + "'";
    }

    /** Arguments quoted and joined with spaces. */
    public static String join(List<String> arguments) {
        return arguments.stream().map(Shell::quote).collect(Collectors.joining(" "));
    }
}
