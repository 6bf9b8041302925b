package dev.sluice.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.sluice.error.ApiError;
import dev.sluice.error.GatewayException;
import dev.sluice.json.Json;
import dev.sluice.api.Endpoint;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One golden case per rule: exact param, message, type, code and doc_url. */
class RequestValidatorTest {
  static final RequestValidator V = RequestValidator.openai();
  static final String MSGS = "'messages':[{'role':'user','content':'hi'}]";

  /** Parses JSON written with single quotes. */
  static JsonNode json(String singleQuoted) {
    try {
      return Json.parse(singleQuoted.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(singleQuoted, e);
    }
  }

  static JsonNode chat(String extra) {
    return json("{'model':'m'," + MSGS + (extra.isEmpty() ? "" : "," + extra) + "}");
  }

  static ApiError reject(Endpoint endpoint, JsonNode body) {
    GatewayException e = catchThrowableOfType(GatewayException.class, () -> V.validate(endpoint, body));
    assertThat(e).as("expected a 400 for %s", body).isNotNull();
    ApiError err = e.error();
    assertThat(err.status()).isEqualTo(400);
    assertThat(err.type()).isEqualTo("invalid_request_error");
    assertThat(err.code()).isNull();
    return err;
  }

  static void assertError(ApiError err, String param, String message, String anchor) {
    assertThat(err.param()).isEqualTo(param);
    assertThat(err.message()).isEqualTo(message);
    assertThat(err.docUrl()).isEqualTo("/docs/validation#" + anchor);
  }

  static void accepts(Endpoint endpoint, JsonNode body) {
    assertThatCode(() -> V.validate(endpoint, body)).doesNotThrowAnyException();
  }

  @Nested
  class Body {
    @ParameterizedTest
    @ValueSource(strings = {"[]", "'text'", "1", "null", "true"})
    void nonObjectBodyHasNullParam(String body) {
      ApiError err = reject(Endpoint.CHAT_COMPLETIONS, json(body));
      assertThat(err.param()).isNull();
      assertThat(err.message()).startsWith("The request body must be a JSON object");
      assertThat(err.docUrl()).isEqualTo("/docs/validation#body-object");
    }

    @Test
    void javaNullBodyIsA400() {
      assertThat(reject(Endpoint.EMBEDDINGS, null).param()).isNull();
    }

    @Test
    void modelsEndpointIsNotValidated() {
      accepts(Endpoint.MODELS, json("[1,2]"));
      accepts(Endpoint.MODELS, null);
    }

    @Test
    void responsesOnlyNeedsAnObject() {
      accepts(Endpoint.RESPONSES, json("{'model':5,'input':null,'whatever':[1]}"));
      assertThat(reject(Endpoint.RESPONSES, json("[]")).param()).isNull();
    }
  }

  @Nested
  class Chat {
    @Test
    void minimalAndRichRequestsPass() {
      accepts(Endpoint.CHAT_COMPLETIONS, chat(""));
      accepts(Endpoint.CHAT_COMPLETIONS, RequestBodies.typicalChat(20));
    }

    @Test
    void theFirstErrorIsInFieldOrderWhateverTheBodysMemberOrder() {
      // top_p comes after temperature in the field order; the body names them the other way round
      assertError(reject(Endpoint.CHAT_COMPLETIONS, json("{'top_p':7,'temperature':'hot','model':'m'," + MSGS + "}")),
          "temperature", "Invalid type for 'temperature': expected a number, but got a string instead.", "temperature");
      // a missing required field is found in its place, before a bad optional one after it
      assertError(reject(Endpoint.CHAT_COMPLETIONS, json("{'temperature':'hot','model':'m'}")),
          "messages", "Missing required parameter: 'messages'.", "messages");
      assertError(reject(Endpoint.CHAT_COMPLETIONS, json("{'top_p':7," + MSGS + "}")),
          "model", "Missing required parameter: 'model'.", "model");
      // inside a message: a bad name, and a missing content (which comes before name) found first
      assertError(reject(Endpoint.CHAT_COMPLETIONS, json("{'model':'m','messages':[{'name':7,'role':'user','content':'hi'}]}")),
          "messages[0].name", "Invalid type for 'messages[0].name': expected a string, but got an integer instead.",
          "message-roles");
      assertError(reject(Endpoint.CHAT_COMPLETIONS, json("{'model':'m','messages':[{'name':7,'role':'user'}]}")),
          "messages[0].content", "Missing required parameter: 'messages[0].content'.", "message-content");
    }

    @Test
    void unknownFieldsPassThroughUntouched() {
      JsonNode body = chat("'x_custom':{'deep':[null,{}]},'audio':7,'metadata':'not checked'");
      String before = body.toString();
      accepts(Endpoint.CHAT_COMPLETIONS, body);
      assertThat(body.toString()).isEqualTo(before);
    }

    @Test
    void modelIsRequired() {
      assertError(reject(Endpoint.CHAT_COMPLETIONS, json("{" + MSGS + "}")),
          "model", "Missing required parameter: 'model'.", "model");
    }

    @Test
    void messagesAreRequiredAndNonEmpty() {
      assertError(reject(Endpoint.CHAT_COMPLETIONS, json("{'model':'m'}")),
          "messages", "Missing required parameter: 'messages'.", "messages");
      assertError(reject(Endpoint.CHAT_COMPLETIONS, json("{'model':'m','messages':[]}")), "messages",
          "Invalid 'messages': expected an array with at least 1 message, but got an empty array instead.",
          "messages");
      assertError(reject(Endpoint.CHAT_COMPLETIONS, json("{'model':'m','messages':{}}")), "messages",
          "Invalid type for 'messages': expected an array, but got an object instead.", "messages");
    }

    @Test
    void roleMustBeKnown() {
      assertError(reject(Endpoint.CHAT_COMPLETIONS, json("{'model':'m','messages':[{'role':'bot','content':'x'}]}")),
          "messages[0].role", "Invalid value for 'messages[0].role': 'bot'. Supported values are: 'developer', "
              + "'system', 'user', 'assistant', 'tool', 'function'.", "message-roles");
      assertError(reject(Endpoint.CHAT_COMPLETIONS, json("{'model':'m','messages':[{'content':'x'}]}")),
          "messages[0].role", "Missing required parameter: 'messages[0].role'.", "message-roles");
      assertError(reject(Endpoint.CHAT_COMPLETIONS, json("{'model':'m','messages':['hi']}")),
          "messages[0]", "Invalid type for 'messages[0]': expected an object, but got a string instead.",
          "message-roles");
    }

    @Test
    void contentFormsDependOnTheRole() {
      assertError(reject(Endpoint.CHAT_COMPLETIONS,
              json("{'model':'m','messages':[{'role':'system','content':[{'type':'image_url','image_url':{'url':'u'}}]}]}")),
          "messages[0].content[0].type", "Invalid value for 'messages[0].content[0].type': 'image_url'. "
              + "Supported values are: 'text'.", "content-parts");
      assertError(reject(Endpoint.CHAT_COMPLETIONS, json("{'model':'m','messages':[{'role':'user'}]}")),
          "messages[0].content", "Missing required parameter: 'messages[0].content'.", "message-content");
      assertError(reject(Endpoint.CHAT_COMPLETIONS, json("{'model':'m','messages':[{'role':'user','content':null}]}")),
          "messages[0].content",
          "Invalid type for 'messages[0].content': expected a string or an array, but got null instead.",
          "message-content");
      accepts(Endpoint.CHAT_COMPLETIONS, json("{'model':'m','messages':[{'role':'assistant','content':null,"
          + "'tool_calls':[{'id':'c1','type':'function','function':{'name':'f','arguments':'{}'}}]}]}"));
      accepts(Endpoint.CHAT_COMPLETIONS, json("{'model':'m','messages':[{'role':'assistant','content':"
          + "[{'type':'refusal','refusal':'no'}]}]}"));
    }

    @Test
    void imageUrlPathIsPrecise() {
      JsonNode body = json("{'model':'m','messages':[{'role':'system','content':'s'},{'role':'assistant','content':'a'},"
          + "{'role':'user','content':[{'type':'image_url','image_url':{'url':42}}]}]}");
      assertError(reject(Endpoint.CHAT_COMPLETIONS, body), "messages[2].content[0].image_url.url",
          "Invalid type for 'messages[2].content[0].image_url.url': expected a string, but got an integer instead.",
          "content-parts");
    }

    @Test
    void fileAndInputAudioPartsAreNotRefusedHere() {
      accepts(Endpoint.CHAT_COMPLETIONS, json("{'model':'m','messages':[{'role':'user','content':["
          + "{'type':'file','file':{'file_id':'file-1'}},{'type':'input_audio','input_audio':{'data':'AAA','format':'wav'}}]}]}"));
      assertError(reject(Endpoint.CHAT_COMPLETIONS, json("{'model':'m','messages':[{'role':'user','content':["
              + "{'type':'input_audio','input_audio':{'data':'AAA','format':'ogg'}}]}]}")),
          "messages[0].content[0].input_audio.format", "Invalid value for 'messages[0].content[0].input_audio.format': "
              + "'ogg'. Supported values are: 'wav', 'mp3'.", "content-parts");
    }

    @Test
    void toolMessageNeedsToolCallId() {
      assertError(reject(Endpoint.CHAT_COMPLETIONS, json("{'model':'m','messages':[{'role':'tool','content':'r'}]}")),
          "messages[0].tool_call_id", "Missing required parameter: 'messages[0].tool_call_id'.", "tool-messages");
    }

    @Test
    void assistantToolCallsAreShaped() {
      assertError(reject(Endpoint.CHAT_COMPLETIONS, json("{'model':'m','messages':[{'role':'assistant',"
              + "'tool_calls':[{'id':'c','type':'function','function':{'name':'f'}}]}]}")),
          "messages[0].tool_calls[0].function.arguments",
          "Missing required parameter: 'messages[0].tool_calls[0].function.arguments'.", "assistant-messages");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "'temperature':2.5 | temperature | Invalid 'temperature': expected a number between 0 and 2, but got 2.5 instead. | temperature",
        "'temperature':-1 | temperature | Invalid 'temperature': expected a number between 0 and 2, but got -1 instead. | temperature",
        "'temperature':'hot' | temperature | Invalid type for 'temperature': expected a number, but got a string instead. | temperature",
        "'top_p':1.01 | top_p | Invalid 'top_p': expected a number between 0 and 1, but got 1.01 instead. | top_p",
        "'frequency_penalty':-2.1 | frequency_penalty | Invalid 'frequency_penalty': expected a number between -2 and 2, but got -2.1 instead. | penalties",
        "'presence_penalty':3 | presence_penalty | Invalid 'presence_penalty': expected a number between -2 and 2, but got 3 instead. | penalties",
        "'max_tokens':0 | max_tokens | Invalid 'max_tokens': expected an integer >= 1, but got 0 instead. | max_tokens",
        "'max_completion_tokens':1.5 | max_completion_tokens | Invalid type for 'max_completion_tokens': expected an integer, but got a decimal instead. | max_tokens",
        "'stop':['a','b','c','d','e'] | stop | Invalid 'stop': expected at most 4 stop sequences, but got 5 instead. | stop",
        "'stop':['a',1] | stop[1] | Invalid type for 'stop[1]': expected a string, but got an integer instead. | stop",
        "'stop':7 | stop | Invalid type for 'stop': expected a string or an array, but got an integer instead. | stop",
        "'seed':1.5 | seed | Invalid type for 'seed': expected an integer, but got a decimal instead. | seed",
        "'seed':99999999999999999999 | seed | Invalid type for 'seed': expected an integer, but got an integer outside the 64-bit range instead. | seed",
        "'n':2 | n | Invalid 'n': this gateway returns a single choice per request, so 'n' must be 1, but got 2 instead. | n",
        "'n':0 | n | Invalid 'n': expected an integer >= 1, but got 0 instead. | n",
        "'logprobs':true | logprobs | 'logprobs' is not supported by this gateway. | logprobs",
        "'top_logprobs':3 | top_logprobs | 'top_logprobs' is not supported by this gateway. | logprobs",
        "'stream':'yes' | stream | Invalid type for 'stream': expected a boolean, but got a string instead. | stream",
        "'stream_options':{'include_usage':true} | stream_options | The 'stream_options' parameter is only allowed when 'stream' is true. | stream_options",
        "'stream':true,'stream_options':{'include_usage':1} | stream_options.include_usage | Invalid type for 'stream_options.include_usage': expected a boolean, but got an integer instead. | stream_options",
        "'parallel_tool_calls':null | parallel_tool_calls | Invalid type for 'parallel_tool_calls': expected a boolean, but got null instead. | parallel_tool_calls",
        "'user':null | user | Invalid type for 'user': expected a string, but got null instead. | user",
        "'tools':null | tools | Invalid type for 'tools': expected an array, but got null instead. | tools",
        "'response_format':null | response_format | Invalid type for 'response_format': expected an object, but got null instead. | response_format",
    })
    void scalarRules(String extra, String param, String message, String anchor) {
      assertError(reject(Endpoint.CHAT_COMPLETIONS, chat(extra)), param, message, anchor);
    }

    @ParameterizedTest
    @ValueSource(strings = {"'temperature':0", "'temperature':2", "'temperature':null", "'top_p':0.0",
        "'frequency_penalty':-2", "'max_tokens':1", "'max_tokens':1.0", "'stop':'x'", "'stop':['a','b','c','d']",
        "'stop':null", "'seed':-9223372036854775808", "'n':1", "'n':null", "'logprobs':false", "'top_logprobs':null",
        "'stream':null", "'stream':true,'stream_options':{'include_usage':true}", "'stream_options':null",
        "'tool_choice':'auto'", "'response_format':{'type':'json_object'}", "'response_format':{'type':'text'}"})
    void boundaryValuesPass(String extra) {
      accepts(Endpoint.CHAT_COMPLETIONS, chat(extra));
    }

    @Test
    void hugeNumbersAreRejectedPrecisely() {
      var body = (com.fasterxml.jackson.databind.node.ObjectNode) chat("");
      body.set("temperature", JsonNodeFactory.instance.numberNode(new BigDecimal("1e999999999")));
      assertError(reject(Endpoint.CHAT_COMPLETIONS, body), "temperature",
          "Invalid 'temperature': expected a number between 0 and 2, but got 1E+999999999 instead.", "temperature");
      body.set("temperature", JsonNodeFactory.instance.numberNode(BigInteger.TEN.pow(900)));
      assertThat(reject(Endpoint.CHAT_COMPLETIONS, body).message())
          .isEqualTo("Invalid 'temperature': expected a number between 0 and 2, but got a 901-digit number instead.");
      body.set("temperature", JsonNodeFactory.instance.numberNode(Double.NaN));
      assertThat(reject(Endpoint.CHAT_COMPLETIONS, body).message())
          .isEqualTo("Invalid type for 'temperature': expected a number, but got a non-finite number instead.");
    }

    @Test
    void toolsAreShaped() {
      assertError(reject(Endpoint.CHAT_COMPLETIONS, chat("'tools':[{'type':'browser'}]")), "tools[0].type",
          "Invalid value for 'tools[0].type': 'browser'. Supported values are: 'function', 'custom', 'web_search', "
              + "'web_search_preview'.", "tools");
      // built-in web search: a gateway extension beyond the SDK, served by the Codex backend
      accepts(Endpoint.CHAT_COMPLETIONS, chat("'tools':[{'type':'web_search'},{'type':'web_search_preview','search_context_size':'low'}]"));
      assertError(reject(Endpoint.CHAT_COMPLETIONS, chat("'tools':[{'type':'function','function':{'name':'a b'}}]")),
          "tools[0].function.name", "Invalid 'tools[0].function.name': expected 1 to 64 characters from a-z, A-Z, "
              + "0-9, '_' and '-', but got 'a b' instead.", "tools");
      assertError(reject(Endpoint.CHAT_COMPLETIONS,
              chat("'tools':[{'type':'function','function':{'name':'f','parameters':'{}'}}]")),
          "tools[0].function.parameters",
          "Invalid type for 'tools[0].function.parameters': expected an object, but got a string instead.", "tools");
    }

    @Test
    void namedToolChoiceMustExist() {
      String tools = "'tools':[{'type':'function','function':{'name':'get_weather'}}]";
      accepts(Endpoint.CHAT_COMPLETIONS, chat(tools + ",'tool_choice':{'type':'function','function':{'name':'get_weather'}}"));
      assertError(reject(Endpoint.CHAT_COMPLETIONS,
              chat(tools + ",'tool_choice':{'type':'function','function':{'name':'get_time'}}")),
          "tool_choice.function.name",
          "Invalid value for 'tool_choice.function.name': no function named 'get_time' is defined in 'tools'.",
          "tool_choice");
      assertError(reject(Endpoint.CHAT_COMPLETIONS, chat("'tool_choice':{'type':'custom','custom':{'name':'x'}}")),
          "tool_choice.custom.name",
          "Invalid value for 'tool_choice.custom.name': no custom tool named 'x' is defined in 'tools'.", "tool_choice");
      assertError(reject(Endpoint.CHAT_COMPLETIONS, chat("'tool_choice':'required'")), "tool_choice",
          "Invalid value for 'tool_choice': 'required' is only allowed when 'tools' is a non-empty array.",
          "tool_choice");
      assertError(reject(Endpoint.CHAT_COMPLETIONS, chat("'tool_choice':'always'")), "tool_choice",
          "Invalid value for 'tool_choice': 'always'. Supported values are: 'none', 'auto', 'required'.",
          "tool_choice");
    }

    @Test
    void responseFormatSchemaName() {
      accepts(Endpoint.CHAT_COMPLETIONS,
          chat("'response_format':{'type':'json_schema','json_schema':{'name':'person_profile-1','schema':{},'strict':true}}"));
      assertError(reject(Endpoint.CHAT_COMPLETIONS,
              chat("'response_format':{'type':'json_schema','json_schema':{'name':'" + "x".repeat(65) + "'}}")),
          "response_format.json_schema.name",
          "Invalid 'response_format.json_schema.name': expected 1 to 64 characters from a-z, A-Z, 0-9, '_' and '-', "
              + "but got '" + "x".repeat(40) + "...' instead.", "response_format");
      assertError(reject(Endpoint.CHAT_COMPLETIONS, chat("'response_format':{'type':'json_schema'}")),
          "response_format.json_schema", "Missing required parameter: 'response_format.json_schema'.",
          "response_format");
      assertError(reject(Endpoint.CHAT_COMPLETIONS, chat("'response_format':{'type':'xml'}")), "response_format.type",
          "Invalid value for 'response_format.type': 'xml'. Supported values are: 'text', 'json_schema', "
              + "'json_object'.", "response_format");
    }

    @Test
    void firstViolationInMatrixOrderWins() {
      JsonNode body = json("{'n':5,'temperature':9,'messages':[],'model':1}");
      assertThat(reject(Endpoint.CHAT_COMPLETIONS, body).param()).isEqualTo("model");
      body = json("{'n':5,'temperature':9,'model':'m'," + MSGS + "}");
      assertThat(reject(Endpoint.CHAT_COMPLETIONS, body).param()).isEqualTo("temperature");
    }
  }

  @Nested
  class Completions {
    @Test
    void rules() {
      accepts(Endpoint.COMPLETIONS, json("{'model':'m','prompt':null}"));
      accepts(Endpoint.COMPLETIONS, json("{'model':'m','prompt':[[1,2],[3]],'suffix':5}"));
      assertError(reject(Endpoint.COMPLETIONS, json("{'model':'m'}")), "prompt",
          "Missing required parameter: 'prompt'.", "prompt");
      assertError(reject(Endpoint.COMPLETIONS, json("{'model':'m','prompt':[[1,'a']]}")), "prompt[0][1]",
          "Invalid type for 'prompt[0][1]': expected an integer, but got a string instead.", "prompt");
      assertError(reject(Endpoint.COMPLETIONS, json("{'model':'m','prompt':'p','logprobs':0}")), "logprobs",
          "'logprobs' is not supported by this gateway.", "logprobs");
      assertError(reject(Endpoint.COMPLETIONS, json("{'model':'m','prompt':'p','n':3}")), "n",
          "Invalid 'n': this gateway returns a single choice per request, so 'n' must be 1, but got 3 instead.", "n");
    }
  }

  @Nested
  class Embeddings {
    @Test
    void rules() {
      accepts(Endpoint.EMBEDDINGS, json("{'model':'bge-m3','input':['a','b']}"));
      accepts(Endpoint.EMBEDDINGS, json("{'model':'bge-m3','input':'a','encoding_format':'base64','dimensions':8}"));
      assertError(reject(Endpoint.EMBEDDINGS, json("{'model':'m'}")), "input",
          "Missing required parameter: 'input'.", "embeddings-input");
      assertError(reject(Endpoint.EMBEDDINGS, json("{'model':'m','input':[]}")), "input",
          "Invalid 'input': expected a non-empty string or array, but got an empty one instead.", "embeddings-input");
      assertError(reject(Endpoint.EMBEDDINGS, json("{'model':'m','input':'a','encoding_format':null}")),
          "encoding_format", "Invalid type for 'encoding_format': expected a string, but got null instead.",
          "encoding_format");
      assertError(reject(Endpoint.EMBEDDINGS, json("{'model':'m','input':'a','encoding_format':'int8'}")),
          "encoding_format", "Invalid value for 'encoding_format': 'int8'. Supported values are: 'float', 'base64'.",
          "encoding_format");
      assertError(reject(Endpoint.EMBEDDINGS, json("{'model':'m','input':'a','dimensions':0}")), "dimensions",
          "Invalid 'dimensions': expected an integer >= 1, but got 0 instead.", "dimensions");
    }
  }

  @Nested
  class Images {
    @Test
    void rules() {
      accepts(Endpoint.IMAGES_GENERATIONS, json("{'model':'dall-e-3','prompt':'cat','size':'1792x1024','quality':'hd',"
          + "'n':4,'response_format':'b64_json','style':'vivid'}"));
      assertError(reject(Endpoint.IMAGES_GENERATIONS, json("{'prompt':'" + "é".repeat(4001) + "'}")), "prompt",
          "Invalid 'prompt': string too long. Expected at most 4000 characters, but got 4001 instead.",
          "images-prompt");
      accepts(Endpoint.IMAGES_GENERATIONS, json("{'prompt':'" + "😀".repeat(4000) + "'}"));
      assertError(reject(Endpoint.IMAGES_GENERATIONS, json("{'prompt':'c','n':5}")), "n",
          "Invalid 'n': expected an integer between 1 and 4, but got 5 instead.", "images-n");
      assertError(reject(Endpoint.IMAGES_GENERATIONS, json("{'prompt':'c','size':'1536x1024'}")), "size",
          "Invalid value for 'size': '1536x1024'. Supported values are: '256x256', '512x512', '1024x1024', "
              + "'1792x1024', '1024x1792'.", "images-size");
      assertError(reject(Endpoint.IMAGES_GENERATIONS, json("{'prompt':'c','quality':'high'}")), "quality",
          "Invalid value for 'quality': 'high'. Supported values are: 'standard', 'hd'.", "images-quality");
      assertError(reject(Endpoint.IMAGES_GENERATIONS, json("{'prompt':'c','response_format':'png'}")),
          "response_format", "Invalid value for 'response_format': 'png'. Supported values are: 'url', 'b64_json'.",
          "images-response_format");
      assertError(reject(Endpoint.IMAGES_GENERATIONS, json("{'prompt':''}")), "prompt",
          "Invalid 'prompt': expected a non-empty string, but got an empty string instead.", "images-prompt");
    }
  }
}
