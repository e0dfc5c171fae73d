package dev.tfjvm.demo;

import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.schema.Validators;
import dev.tfjvm.spi.ApplyContext;
import dev.tfjvm.spi.DeleteContext;
import dev.tfjvm.spi.OperationCancelledException;
import dev.tfjvm.spi.OperationTimeouts;
import dev.tfjvm.spi.PlanContext;
import dev.tfjvm.spi.ReadContext;
import dev.tfjvm.spi.Resource;
import dev.tfjvm.spi.ResourceException;
import dev.tfjvm.spi.TfObject;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code demo_buggy}: a resource that breaks Terraform's rules on request, to show that the
 * bridge's guard reports the exact rule and attribute instead of Terraform's late
 * "Provider produced inconsistent result".
 */
final class BuggyResource implements Resource {
    @Override
    public String typeName() {
        return "demo_buggy";
    }

    @Override
    public Schema schema() {
        return Schema.of(Block.builder()
                .description("Misbehaves on purpose; for testing the bridge's guard.")
                .attribute(Attribute.string("value").required().description("Any text; stored as is."))
                .attribute(Attribute.string("result").computed().description("\"ok:\" followed by the value."))
                .attribute(Attribute.string("misbehave")
                        .optional()
                        .description("Which rule to break, for testing the guard.")
                        .validators(Validators.oneOf(
                                "plan_changes_config", "computed_null_then_set", "unknown_after_apply", "slow_create")))
                .build());
    }

    private static String mode(TfObject o) {
        return o.isKnown("misbehave") ? o.string("misbehave").orElse("") : "";
    }

    @Override
    public void modifyPlan(PlanContext context) {
        switch (mode(context.config())) {
            case "plan_changes_config" ->
                context.setPlanned(
                        context.planned().with("value", context.config().requireString("value") + "-changed"));
            case "computed_null_then_set" ->
                context.setPlanned(context.planned().with("result", null));
            default -> {}
        }
    }

    @Override
    public Optional<OperationTimeouts> timeouts() {
        return Optional.of(OperationTimeouts.of(Duration.ofMinutes(1), null, Duration.ofMinutes(1), null));
    }

    @Override
    public TfObject create(ApplyContext context) throws ResourceException {
        String mode = mode(context.config());
        if (mode.equals("slow_create")) {
            // Sleeps in small steps and honours stop requests, as long operations should.
            for (int i = 0; i < 300; i++) {
                context.checkStopped();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new OperationCancelledException("interrupted");
                }
            }
        }
        if (mode.equals("unknown_after_apply")) {
            return context.planned().with("result", CtyValue.unknown(CtyType.STRING));
        }
        return context.planned().with("result", "ok:" + context.planned().requireString("value"));
    }

    @Override
    public Optional<TfObject> read(ReadContext context) {
        return Optional.of(context.state());
    }

    @Override
    public TfObject update(ApplyContext context) throws ResourceException {
        return create(context);
    }

    @Override
    public void delete(DeleteContext context) {}
}
