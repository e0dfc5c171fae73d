package dev.tfjvm.schema;

import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.diag.Diagnostic;
import dev.tfjvm.diag.Diagnostics;
import java.util.List;

/**
 * A check across the top-level attributes of a configuration (conflicts-with, exactly-one-of,
 * required-with), declared beside the schema and run by the bridge with the attribute
 * validators, before the resource's own {@code validate}. Values may be unknown: an unknown
 * value counts as set (the configuration wrote something there), but no "none is set" error is
 * reported while one is unknown. Named implementations are in {@link ConfigValidators}.
 */
public interface ConfigValidator {
    void validate(CtyValue.ObjectVal config, Diagnostics diagnostics);

    /** The attributes it looks at, all of which must exist in the schema. */
    List<String> attributes();

    /** One sentence for generated documentation. */
    String describe();

    /**
     * This validator with {@code why} added to the detail of what it reports: the words of the
     * provider's domain ("cpus says which CPUs, cpu_count how many") beside the generic rule.
     */
    default ConfigValidator explaining(String why) {
        ConfigValidator plain = this;
        return new ConfigValidator() {
            @Override
            public void validate(CtyValue.ObjectVal config, Diagnostics diagnostics) {
                Diagnostics own = new Diagnostics();
                plain.validate(config, own);
                for (Diagnostic d : own.all()) {
                    diagnostics.add(new Diagnostic(d.severity(), d.summary(), d.detail() + " " + why, d.path()));
                }
            }

            @Override
            public List<String> attributes() {
                return plain.attributes();
            }

            @Override
            public String describe() {
                return plain.describe();
            }
        };
    }
}
