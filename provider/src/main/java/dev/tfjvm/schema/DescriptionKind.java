package dev.tfjvm.schema;

/** How Terraform (and doc generators) should render a description. */
public enum DescriptionKind {
    PLAIN,
    MARKDOWN
}
