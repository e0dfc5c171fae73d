package dev.tfjvm.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Builds small runnable jars for launcher tests. */
public final class Jars {
    private Jars() {}

    /** A jar holding one compiled test class as its Main-Class. */
    public static Path singleClassJar(Path jar, Class<?> main) throws IOException {
        Manifest manifest = manifest(main);
        String resource = main.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry(resource));
            try (var in = main.getClassLoader().getResourceAsStream(resource)) {
                in.transferTo(out);
            }
            out.closeEntry();
        }
        return jar;
    }

    /** A jar with no classes whose manifest points at the test class path (Class-Path URLs). */
    public static Path classPathJar(Path jar, Class<?> main) throws IOException {
        Manifest manifest = manifest(main);
        StringBuilder classPath = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) {
                classPath.append(Path.of(entry).toAbsolutePath().toUri()).append(' ');
            }
        }
        manifest.getMainAttributes()
                .put(Attributes.Name.CLASS_PATH, classPath.toString().trim());
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.flush();
        }
        return jar;
    }

    private static Manifest manifest(Class<?> main) {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, main.getName());
        return manifest;
    }

    static List<String> lines(String text) {
        return text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
    }
}
