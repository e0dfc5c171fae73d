package dev.tfjvm.docs;

import dev.tfjvm.cty.CtyType;
import dev.tfjvm.schema.Nesting;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** How types read in generated pages: "List of String" in schema lists, {@code list(string)} in signatures. */
final class TypeNames {
    private TypeNames() {}

    /** The registry's prose name of a type: String, Number, Boolean, List of String, Map of Object... */
    static String prose(CtyType type) {
        if (type == CtyType.STRING) {
            return "String";
        }
        if (type == CtyType.NUMBER) {
            return "Number";
        }
        if (type == CtyType.BOOL) {
            return "Boolean";
        }
        if (type instanceof CtyType.ListType l) {
            return "List of " + prose(l.element());
        }
        if (type instanceof CtyType.SetType s) {
            return "Set of " + prose(s.element());
        }
        if (type instanceof CtyType.MapType m) {
            return "Map of " + prose(m.element());
        }
        if (type instanceof CtyType.ObjectType) {
            return "Object";
        }
        if (type instanceof CtyType.TupleType) {
            return "Tuple";
        }
        return "Dynamic";
    }

    /** "Attributes", "Attributes List", "Attributes Set" or "Attributes Map" for nested attributes. */
    static String nestedAttributes(Nesting nesting) {
        return "Attributes" + nestingSuffix(nesting);
    }

    /** "Block", "Block List", "Block Set" or "Block Map"; GROUP blocks read as single blocks. */
    static String block(Nesting nesting) {
        return "Block" + nestingSuffix(nesting);
    }

    private static String nestingSuffix(Nesting nesting) {
        return switch (nesting) {
            case SINGLE, GROUP -> "";
            case LIST -> " List";
            case SET -> " Set";
            case MAP -> " Map";
        };
    }

    /** The object type whose attributes a nested section lists, for object and collection-of-object types. */
    static Optional<CtyType.ObjectType> objectWithin(CtyType type) {
        if (type instanceof CtyType.ObjectType o) {
            return Optional.of(o);
        }
        return type.elementType().filter(e -> e instanceof CtyType.ObjectType).map(e -> (CtyType.ObjectType) e);
    }

    /** The Terraform type-constraint spelling used in function signatures: {@code map(list(string))}. */
    static String constraint(CtyType type) {
        if (type instanceof CtyType.Primitive p) {
            return p.friendlyName();
        }
        if (type instanceof CtyType.ListType l) {
            return "list(" + constraint(l.element()) + ")";
        }
        if (type instanceof CtyType.SetType s) {
            return "set(" + constraint(s.element()) + ")";
        }
        if (type instanceof CtyType.MapType m) {
            return "map(" + constraint(m.element()) + ")";
        }
        if (type instanceof CtyType.ObjectType o) {
            return o.attributes().entrySet().stream()
                    .map(e -> attributeConstraint(o, e))
                    .collect(Collectors.joining(", ", "object({", "})"));
        }
        if (type instanceof CtyType.TupleType t) {
            return t.elements().stream().map(TypeNames::constraint).collect(Collectors.joining(", ", "tuple([", "])"));
        }
        return "dynamic";
    }

    private static String attributeConstraint(CtyType.ObjectType object, Map.Entry<String, CtyType> e) {
        String inner = constraint(e.getValue());
        return e.getKey() + "=" + (object.optional().contains(e.getKey()) ? "optional(" + inner + ")" : inner);
    }
}
