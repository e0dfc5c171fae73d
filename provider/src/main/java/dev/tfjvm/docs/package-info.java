/**
 * Terraform-registry documentation for providers built on the bridge, generated from the
 * provider's own schemas (descriptions, validators' and plan modifiers' {@code describe()} texts,
 * defaults, sensitive / write-only / deprecated flags, the {@code timeouts} block), from an
 * examples directory and from optional hand-written templates.
 *
 * <p>Layout, as the registry and tfplugindocs use it:
 * <pre>
 * examples/provider/provider.tf                      docs/index.md
 * examples/resources/TYPE/resource.tf, import.sh     docs/resources/NAME.md  (NAME: TYPE minus "provider_")
 *                         import.tf (import block)
 * examples/data-sources/TYPE/data-source.tf          docs/data-sources/NAME.md
 * examples/functions/NAME/function.tf                docs/functions/NAME.md
 * templates/guides/*.md (copied as they are)         docs/guides/*.md
 * templates/resources/NAME.md (subcategory + prose)  added to docs/resources/NAME.md, and so on
 * </pre>
 *
 * <p>{@link dev.tfjvm.docs.RegistryDocs} is the Java API (generate, check, write);
 * {@link dev.tfjvm.docs.GenerateDocs} the command line.
 */
package dev.tfjvm.docs;
