package dev.tfjvm.schema;

/** A description and how to render it. The empty description is plain and blank. */
public record Description(String text, DescriptionKind kind) {
    public static final Description NONE = new Description("", DescriptionKind.PLAIN);

    public Description {
        text = text == null ? "" : text;
        kind = kind == null ? DescriptionKind.PLAIN : kind;
    }

    public static Description plain(String text) {
        return new Description(text, DescriptionKind.PLAIN);
    }

    public static Description markdown(String text) {
        return new Description(text, DescriptionKind.MARKDOWN);
    }
}
