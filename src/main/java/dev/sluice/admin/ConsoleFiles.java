package dev.sluice.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The console's static files, from the class path only ({@code resources/console/} in the jar): never from
 * the working directory, which Vert.x's {@code StaticHandler} looks in first (a {@code console/} folder
 * there would be served instead). Only files of the types the console has; each is read off the event
 * loop and then kept (names that are not there are not remembered, so their number stays bounded).
 */
final class ConsoleFiles {
  /** Where the files are served, and where they are on the class path. */
  static final String PREFIX = "/console/";
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "png", "image/png",
      "svg", "image/svg+xml");

  private final Map<String, Buffer> files = new ConcurrentHashMap<>();

  void handle(RoutingContext ctx) {
    String name = ctx.normalizedPath().substring(PREFIX.length());
    if (name.isEmpty()) {
      name = "index.html";
    }
    String type = type(name);
    if (type == null) {
      ctx.next();
      return;
    }
    String file = name;
    Buffer cached = files.get(file);
    if (cached != null) {
      ctx.response().putHeader("Content-Type", type).end(cached);
      return;
    }
    ctx.vertx().executeBlocking(() -> read(file), false).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      if (ar.result().isEmpty()) {
        ctx.next();
        return;
      }
      files.put(file, ar.result().get());
      ctx.response().putHeader("Content-Type", type).end(ar.result().get());
    });
  }

  /** The content type of a console file name, or null for a name the console has no file of. */
  static String type(String name) {
    if (!SAFE.matcher(name).matches() || name.contains("..")) {
      return null;
    }
    int dot = name.lastIndexOf('.');
    return dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private static Optional<Buffer> read(String name) throws IOException {
    try (InputStream in = ConsoleFiles.class.getResourceAsStream(PREFIX + name)) {
      return in == null ? Optional.empty() : Optional.of(Buffer.buffer(in.readAllBytes()));
    }
  }
}
