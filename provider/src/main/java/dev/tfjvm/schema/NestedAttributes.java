package dev.tfjvm.schema;

import dev.tfjvm.cty.CtyType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The inside of a nested attribute: its attributes and how the object repeats. */
public record NestedAttributes(Nesting nesting, List<Attribute> attributes) {
    public NestedAttributes {
        if (nesting == Nesting.GROUP) {
            throw new IllegalArgumentException("GROUP nesting exists only for blocks");
        }
        attributes = List.copyOf(attributes);
    }

    public CtyType.ObjectType objectType() {
        Map<String, CtyType> types = new LinkedHashMap<>();
        for (Attribute a : attributes) {
            types.put(a.name(), a.type());
        }
        return CtyType.object(types);
    }

    public CtyType impliedType() {
        CtyType.ObjectType object = objectType();
        return switch (nesting) {
            case SINGLE -> object;
            case LIST -> CtyType.list(object);
            case SET -> CtyType.set(object);
            case MAP -> CtyType.map(object);
            case GROUP -> throw new IllegalStateException();
        };
    }

    public Optional<Attribute> attribute(String name) {
        return attributes.stream().filter(a -> a.name().equals(name)).findFirst();
    }
}
