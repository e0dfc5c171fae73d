package dev.tfjvm.launcher;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A fully qualified provider source address, {@code hostname/namespace/type}, e.g.
 * {@code example.com/acme/demo}. A fake but fully qualified host keeps one configuration
 * valid for both Terraform (default host registry.terraform.io) and OpenTofu.
 */
public record ProviderAddress(String hostname, String namespace, String type) {
    private static final Pattern HOST =
            Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?");
    private static final Pattern PART = Pattern.compile("[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?");

    public ProviderAddress {
        if (!HOST.matcher(hostname).matches()) {
            throw new IllegalArgumentException(
                    "invalid provider hostname '" + hostname + "': use a lower-case DNS name such as example.com");
        }
        if (!PART.matcher(namespace).matches()) {
            throw new IllegalArgumentException(
                    "invalid provider namespace '" + namespace + "': use lower-case letters, digits and dashes");
        }
        if (!PART.matcher(type).matches() || type.startsWith("terraform-provider")) {
            throw new IllegalArgumentException("invalid provider type '" + type
                    + "': use lower-case letters, digits and dashes, without the terraform-provider- prefix");
        }
    }

    /** Parses {@code hostname/namespace/type}; throws IllegalArgumentException with the reason. */
    public static ProviderAddress parse(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("/", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("provider address '" + text
                    + "' must have the form hostname/namespace/type, e.g. example.com/acme/demo");
        }
        return new ProviderAddress(parts[0], parts[1], parts[2]);
    }

    @Override
    public String toString() {
        return hostname + "/" + namespace + "/" + type;
    }
}
