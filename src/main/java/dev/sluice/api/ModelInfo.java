package dev.sluice.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.json.Json;
import java.util.List;
import java.util.Locale;

/**
 * What the gateway can tell of a model from its id: its {@code category} (text, code, reasoning,
 * multimodal, embeddings, image, audio, video), so clients can pick the matching endpoint, and who
 * makes it.
 */
public final class ModelInfo {
  private ModelInfo() {
  }

  /** The category of a model id. */
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

  /** Who makes a model, guessed from its id, for {@code owned_by} when the upstream says nothing. */
  public static String owner(String id) {
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

}
