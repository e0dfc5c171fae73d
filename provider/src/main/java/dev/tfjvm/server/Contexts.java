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
    private Contexts() {
    }

    private abstract static class Base implements OperationContext {
        private final OperationContext operation;

        Base(OperationContext operation) {
            this.operation = operation;
        }

        @Override
        public Diagnostics diagnostics() {
            return operation.diagnostics();
        }

        @Override
        public Optional<Instant> deadline() {
            return operation.deadline();
        }

        @Override
        public boolean stopRequested() {
            return operation.stopRequested();
        }
    }

    static final class Configure extends Base implements ConfigureContext {
        private final TfObject config;
        private final String terraformVersion;

        Configure(OperationContext operation, TfObject config, String terraformVersion) {
            super(operation);
            this.config = config;
            this.terraformVersion = terraformVersion;
        }

        @Override
        public TfObject config() {
            return config;
        }

        @Override
        public String terraformVersion() {
            return terraformVersion;
        }
    }

    static final class Read extends Base implements ReadContext {
        private final TfObject state;

        Read(OperationContext operation, TfObject state) {
            super(operation);
            this.state = state;
        }

        @Override
        public TfObject state() {
            return state;
        }
    }

    static final class Plan extends Base implements PlanContext {
        private final TfObject config;
        private final Optional<TfObject> prior;
        private final List<CtyPath> requiresReplace;
        private TfObject planned;

        Plan(OperationContext operation, TfObject config, Optional<TfObject> prior, TfObject planned,
                List<CtyPath> requiresReplace) {
            super(operation);
            this.config = config;
            this.prior = prior;
            this.planned = planned;
            this.requiresReplace = requiresReplace;
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

    static final class Apply extends Base implements ApplyContext {
        private final TfObject config;
        private final TfObject planned;
        private final Optional<TfObject> prior;

        Apply(OperationContext operation, TfObject config, TfObject planned, Optional<TfObject> prior) {
            super(operation);
            this.config = config;
            this.planned = planned;
            this.prior = prior;
        }

        @Override
        public TfObject config() {
            return config;
        }

        @Override
        public TfObject planned() {
            return planned;
        }

        @Override
        public Optional<TfObject> prior() {
            return prior;
        }
    }

    static final class Delete extends Base implements DeleteContext {
        private final TfObject state;

        Delete(OperationContext operation, TfObject state) {
            super(operation);
            this.state = state;
        }

        @Override
        public TfObject state() {
            return state;
        }
    }

    static final class Data extends Base implements DataSourceContext {
        private final TfObject config;

        Data(OperationContext operation, TfObject config) {
            super(operation);
            this.config = config;
        }

        @Override
        public TfObject config() {
            return config;
        }

        @Override
        public TfObject emptyResult() {
            return config;
        }
    }
}
