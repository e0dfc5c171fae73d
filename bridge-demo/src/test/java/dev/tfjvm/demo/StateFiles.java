package dev.tfjvm.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;

/** Edits terraform.tfstate the way an older provider version would have written it. */
final class StateFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StateFiles() {}

    /** Rewrites demo_server.NAME as schema version 0 wrote it: size as a string, tags in "labels". */
    static void downgradeServerToVersion0(Path stateFile, String name, String labels) throws IOException {
        ObjectNode state = (ObjectNode) JSON.readTree(stateFile.toFile());
        for (JsonNode resource : state.get("resources")) {
            if (!resource.get("type").asText().equals("demo_server")
                    || !resource.get("name").asText().equals(name)) {
                continue;
            }
            ObjectNode instance = (ObjectNode) resource.get("instances").get(0);
            JsonNode current = instance.get("attributes");
            ObjectNode old = JSON.createObjectNode();
            old.set("id", current.get("id"));
            old.set("name", current.get("name"));
            old.put("size", current.get("size").asText());
            old.set("zone", current.get("zone"));
            old.put("labels", labels);
            instance.set("attributes", old);
            instance.put("schema_version", 0);
            instance.remove("sensitive_attributes");
            instance.putArray("sensitive_attributes");
        }
        state.put("serial", state.get("serial").asLong() + 1);
        JSON.writerWithDefaultPrettyPrinter().writeValue(stateFile.toFile(), state);
    }
}
