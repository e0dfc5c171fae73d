package dev.tfjvm.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.PlanModifiers;
import dev.tfjvm.schema.Validators;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The sentences the generator adds to an attribute's description, each said once. */
class SchemaMarkdownTest {
    private static String item(Attribute.Builder attribute) throws DocsException {
        String all = String.join(
                "\n", SchemaMarkdown.render(Block.builder().attribute(attribute).build(), Optional.empty()));
        return all.lines().filter(l -> l.startsWith("- `")).findFirst().orElseThrow();
    }

    @Test
    void aDefaultTheDescriptionStatesIsNotAddedAgain() throws DocsException {
        String own = item(Attribute.string("policy")
                .optional()
                .computed()
                .defaultValue(CtyValue.string("compact"))
                .markdownDescription("How they are chosen. Defaults to `compact`."));
        assertThat(own).isEqualTo("- `policy` (String) How they are chosen. Defaults to `compact`.");

        String generated = item(Attribute.string("policy")
                .optional()
                .computed()
                .defaultValue(CtyValue.string("compact"))
                .markdownDescription("How they are chosen."));
        assertThat(generated).isEqualTo("- `policy` (String) How they are chosen. Defaults to `\"compact\"`.");
    }

    @Test
    void aReplacementTheDescriptionStatesIsNotAddedAgain() throws DocsException {
        assertThat(item(Attribute.string("name")
                        .required()
                        .planModifiers(PlanModifiers.requiresReplace())
                        .markdownDescription("The name. Changing it replaces the instance.")))
                .isEqualTo("- `name` (String) The name. Changing it replaces the instance.");
        assertThat(item(Attribute.string("name")
                        .required()
                        .planModifiers(PlanModifiers.requiresReplace())
                        .markdownDescription("The name.")))
                .isEqualTo("- `name` (String) The name. Changing this value replaces the resource.");
    }

    @Test
    void aValidatorSentenceTheDescriptionHasIsNotAddedAgain() throws DocsException {
        assertThat(item(Attribute.number("n")
                        .optional()
                        .validators(Validators.between(1, 9))
                        .markdownDescription("A number. Between 1 and 9.")))
                .isEqualTo("- `n` (Number) A number. Between 1 and 9.");
    }

    @Test
    void keptFromStateIsSaidOnlyOfComputedOnlyAttributes() throws DocsException {
        assertThat(item(Attribute.string("id")
                        .computed()
                        .planModifiers(PlanModifiers.useStateForUnknown())
                        .markdownDescription("The id.")))
                .isEqualTo("- `id` (String) The id. The value stays as it is in state once it is known.");
        assertThat(item(Attribute.number("slot")
                        .optional()
                        .computed()
                        .planModifiers(PlanModifiers.useStateForUnknown())
                        .markdownDescription("The slot; left out, one is assigned and kept.")))
                .as("the user's value is the user's")
                .isEqualTo("- `slot` (Number) The slot; left out, one is assigned and kept.");
        assertThat(item(Attribute.string("status")
                        .computed()
                        .planModifiers(PlanModifiers.useStateForUnknown(""))
                        .markdownDescription("What the host reports.")))
                .as("a value a refresh changes")
                .isEqualTo("- `status` (String) What the host reports.");
    }
}
