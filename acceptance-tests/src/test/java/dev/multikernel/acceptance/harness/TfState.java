package dev.multikernel.acceptance.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** The state as {@code terraform show -json} prints it: resources by address, with their values. */
public final class TfState {
    private final JsonNode root;
    private final Map<String, JsonNode> resources = new LinkedHashMap<>();

    TfState(JsonNode root) {
        this.root = root;
        JsonNode values = root.path("values").path("root_module");
        collect(values);
    }

    private void collect(JsonNode module) {
        for (JsonNode r : module.path("resources")) {
            resources.put(r.path("address").asText(), r);
        }
        for (JsonNode child : module.path("child_modules")) {
            collect(child);
        }
    }

    public JsonNode json() {
        return root;
    }

    /** Addresses of every resource and data source in state, in state order. */
    public List<String> addresses() {
        return new ArrayList<>(resources.keySet());
    }

    /** Managed resources only. */
    public List<String> managedAddresses() {
        return resources.values().stream()
                .filter(r -> "managed".equals(r.path("mode").asText()))
                .map(r -> r.path("address").asText())
                .toList();
    }

    public boolean has(String address) {
        return resources.containsKey(address);
    }

    /** The attribute values of {@code address}. */
    public JsonNode values(String address) {
        JsonNode r = resources.get(address);
        if (r == null) {
            throw new NoSuchElementException("no " + address + " in state; state has " + resources.keySet());
        }
        return r.path("values");
    }

    /** One attribute as text ("" for null). */
    public String attr(String address, String attribute) {
        JsonNode v = values(address).path(attribute);
        return v.isNull() || v.isMissingNode() ? "" : v.asText();
    }

    /** Whether Terraform marked {@code address} tainted. */
    public boolean tainted(String address) {
        JsonNode r = resources.get(address);
        if (r == null) {
            throw new NoSuchElementException("no " + address + " in state; state has " + resources.keySet());
        }
        return r.path("tainted").asBoolean(false);
    }
}
