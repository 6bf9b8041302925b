package dev.sluice.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import dev.sluice.keys.Principal;
import java.util.List;
import java.util.Locale;

/**
 * Shapes model lists: OpenAI's Model objects, each with {@code owned_by} and a {@code category}
 * (text, code, reasoning, multimodal, embeddings, image, audio, video) so clients can pick the
 * matching endpoint; only models the caller may use.
 */
public final class ModelCatalog {
  private ModelCatalog() {
  }

  public static String category(String id) {
    String m = id.toLowerCase(Locale.ROOT);
    if (m.contains("embed")) {
      return "embeddings";
    }
    if (m.contains("dall-e") || m.contains("image") || m.startsWith("flux") || m.contains("stable-diffusion")) {
      return "image";
    }
    if (m.contains("whisper") || m.contains("tts") || m.contains("audio") || m.contains("transcribe")) {
      return "audio";
    }
    if (m.contains("sora") || m.contains("video") || m.contains("veo")) {
      return "video";
    }
    if (m.contains("codex") || m.contains("coder")) {
      return "code";
    }
    if (m.matches("^o\\d.*") || m.contains("reason") || m.contains("thinking") || m.startsWith("gpt-5")) {
      return "reasoning";
    }
    if (m.contains("vision") || m.startsWith("gpt-4o") || m.contains("omni")) {
      return "multimodal";
    }
    return "text";
  }

  static String owner(String id) {
    String m = id.toLowerCase(Locale.ROOT);
    if (m.startsWith("claude")) {
      return "anthropic";
    }
    if (m.startsWith("gemini") || m.startsWith("veo")) {
      return "google";
    }
    return "openai";
  }

  /** A list body from model ids (static lists). */
  public static ObjectNode list(List<String> ids) {
    ObjectNode root = Json.object();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (String id : ids) {
      ObjectNode m = data.addObject();
      m.put("id", id);
      m.put("object", "model");
      m.put("created", 0);
      m.put("owned_by", owner(id));
    }
    return root;
  }

  /** Annotates an upstream list in place-safe copy, keeping only models the principal may use. */
  public static ObjectNode shape(JsonNode upstreamList, Principal principal) {
    ObjectNode out = Json.object();
    out.put("object", "list");
    ArrayNode data = out.putArray("data");
    JsonNode src = upstreamList.path("data");
    if (src.isArray()) {
      for (JsonNode m : src) {
        if (!m.isObject() || !m.path("id").isTextual()) {
          continue;
        }
        String id = m.get("id").asText();
        if (principal != null && !principal.allows(id)) {
          continue;
        }
        ObjectNode copy = ((ObjectNode) m).deepCopy();
        if (!copy.has("object")) {
          copy.put("object", "model");
        }
        if (!copy.has("created")) {
          copy.put("created", 0);
        }
        if (!copy.path("owned_by").isTextual()) {
          copy.put("owned_by", owner(id));
        }
        if (!copy.path("category").isTextual()) {
          copy.put("category", category(id));
        }
        data.add(copy);
      }
    }
    return out;
  }
}
