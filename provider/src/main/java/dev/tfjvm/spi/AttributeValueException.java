package dev.tfjvm.spi;

/**
 * A value a {@link TfObject} getter cannot give as the Java type asked for: {@code longValue} of
 * {@code 1.5}, of {@code 1e30} or of an infinity. The bridge reports it as an error naming the
 * attribute, never as "Unexpected provider error": configurations are checked by the schema's
 * validators (give such an attribute {@code Validators.wholeNumberBetween}), but a state edited by
 * hand reaches the provider unchecked.
 */
public final class AttributeValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String attribute;
    private final String detail;

    public AttributeValueException(String attribute, String detail) {
        super(attribute + ": " + detail);
        this.attribute = attribute;
        this.detail = detail;
    }

    /** The attribute's name (in the object the getter read: a nested object's own name). */
    public String attribute() {
        return attribute;
    }

    public String detail() {
        return detail;
    }

    /** The error Terraform shows for it. */
    public ResourceException toResourceException() {
        return new ResourceException("Invalid value for " + attribute, detail, this);
    }
}
