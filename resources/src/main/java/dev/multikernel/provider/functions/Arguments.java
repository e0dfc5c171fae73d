package dev.multikernel.provider.functions;

import dev.tfjvm.cty.CtyNumber;

/** Small helpers shared by the functions: how numbers are shown in error messages. */
final class Arguments {
    /** Longest number shown in full in a message. */
    private static final int SHOWN_DIGITS = 40;

    private Arguments() {}

    /** A number as Terraform would print it, shortened when absurdly long. */
    static String show(CtyNumber n) {
        if (n.isInfinite()) {
            return n.signum() > 0 ? "+Inf" : "-Inf";
        }
        String plain = n.toString();
        return plain.length() <= SHOWN_DIGITS
                ? plain
                : plain.substring(0, SHOWN_DIGITS - 1) + "… (" + plain.length() + " characters)";
    }
}
