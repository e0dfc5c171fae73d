package dev.multikernel.provider.config;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A host as resources and data sources name it: {@code address}, {@code user@address},
 * {@code address:port} or {@code user@address:port}; IPv6 addresses in brackets when a port
 * follows ({@code [2001:db8::5]:22}). What it leaves out comes from the provider configuration.
 *
 * @param user    login user, when given
 * @param address host name or IP address (without brackets)
 * @param port    SSH port, when given
 */
public record HostAddress(Optional<String> user, String address, OptionalInt port) {

    private static final int MAX_LENGTH = 300;

    public HostAddress {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(port, "port");
    }

    /**
     * @throws IllegalArgumentException saying what is wrong with {@code text} and the forms accepted
     */
    public static HostAddress parse(String text) {
        if (text.length() > MAX_LENGTH) {
            throw bad(text, "it is longer than " + MAX_LENGTH + " characters");
        }
        if (text.isBlank()) {
            throw bad(text, "it is empty");
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) <= ' ' || text.charAt(i) == 0x7f) {
                throw bad(text, "it contains white space or a control character");
            }
        }
        String rest = text;
        Optional<String> user = Optional.empty();
        int at = rest.indexOf('@');
        if (at >= 0) {
            if (at == 0) {
                throw bad(text, "the user before '@' is empty");
            }
            user = Optional.of(rest.substring(0, at));
            rest = rest.substring(at + 1);
            if (rest.indexOf('@') >= 0) {
                throw bad(text, "it has more than one '@'");
            }
        }
        String address;
        OptionalInt port = OptionalInt.empty();
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw bad(text, "the '[' before an IPv6 address has no ']'");
            }
            address = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw bad(text, "only ':port' may follow ']'");
                }
                port = OptionalInt.of(port(text, after.substring(1)));
            }
        } else {
            int colon = rest.indexOf(':');
            if (colon >= 0 && colon == rest.lastIndexOf(':')) {
                address = rest.substring(0, colon);
                port = OptionalInt.of(port(text, rest.substring(colon + 1)));
            } else {
                address = rest; // no colon, or a bare IPv6 address
            }
        }
        if (address.isEmpty()) {
            throw bad(text, "the address is empty");
        }
        return new HostAddress(user, address, port);
    }

    private static int port(String text, String digits) {
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw bad(text, "the port \"" + digits + "\" is not a number from 1 to 65535");
        }
        int p = Integer.parseInt(digits);
        if (p < 1 || p > 65535) {
            throw bad(text, "the port " + p + " is not from 1 to 65535");
        }
        return p;
    }

    private static IllegalArgumentException bad(String text, String why) {
        String shown = text.length() > 64 ? text.substring(0, 63) + "…" : text;
        return new IllegalArgumentException(
                "\"" + shown.replace("\"", "\\\"").replace("\n", "\\n") + "\" is not a host: "
                        + why + "; write \"address\", \"user@address\", \"address:port\" or \"user@address:port\""
                        + " (IPv6: \"[2001:db8::5]:22\")");
    }

    /** As the user would write it, with only the parts given. */
    public String describe() {
        String a = address.indexOf(':') >= 0 && port.isPresent() ? "[" + address + "]" : address;
        return user.map(u -> u + "@").orElse("") + a + (port.isPresent() ? ":" + port.getAsInt() : "");
    }
}
