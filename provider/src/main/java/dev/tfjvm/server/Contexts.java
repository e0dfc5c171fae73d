package dev.tfjvm.server;

import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.spi.ApplyContext;
import dev.tfjvm.spi.ConfigureContext;
import dev.tfjvm.spi.DataSourceContext;
import dev.tfjvm.spi.DeleteContext;
import dev.tfjvm.spi.OperationContext;
import dev.tfjvm.spi.PlanContext;
import dev.tfjvm.spi.ReadContext;
import dev.tfjvm.spi.TfObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The contexts handed to provider code, each wrapping the runner's context for stop and deadline. */
final class Contexts {
    private Contexts() {}

    /** Diagnostics, deadline and stop come from the operation the runner started. */
    private interface Delegating extends OperationContext {
        OperationContext operation();

        @Override
        default Diagnostics diagnostics() {
            return operation().diagnostics();
        }

        @Override
        default Optional<Instant> deadline() {
            return operation().deadline();
        }

        @Override
        default boolean stopRequested() {
            return operation().stopRequested();
        }
    }

    record Configure(OperationContext operation, TfObject config, String terraformVersion)
            implements ConfigureContext, Delegating {}

    record Read(OperationContext operation, TfObject state) implements ReadContext, Delegating {}

    record Apply(OperationContext operation, TfObject config, TfObject planned, Optional<TfObject> prior)
            implements ApplyContext, Delegating {}

    record Delete(OperationContext operation, TfObject state) implements DeleteContext, Delegating {}

    record Data(OperationContext operation, TfObject config) implements DataSourceContext, Delegating {}

    /** The one mutable context: the resource may replace the plan and ask for replacement. */
    static final class Plan implements PlanContext, Delegating {
        private final OperationContext operation;
        private final TfObject config;
        private final Optional<TfObject> prior;
        private final List<CtyPath> requiresReplace;
        private TfObject planned;

        Plan(
                OperationContext operation,
                TfObject config,
                Optional<TfObject> prior,
                TfObject planned,
                List<CtyPath> requiresReplace) {
            this.operation = operation;
            this.config = config;
            this.prior = prior;
            this.planned = planned;
            this.requiresReplace = requiresReplace;
        }

        @Override
        public OperationContext operation() {
            return operation;
        }

        @Override
        public TfObject config() {
            return config;
        }

        @Override
        public Optional<TfObject> prior() {
            return prior;
        }

        @Override
        public TfObject planned() {
            return planned;
        }

        @Override
        public void setPlanned(TfObject planned) {
            this.planned = planned;
        }

        @Override
        public void requireReplace(CtyPath path) {
            if (!requiresReplace.contains(path)) {
                requiresReplace.add(path);
            }
        }
    }
}
