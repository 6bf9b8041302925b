package dev.sluice.usage;

/**
 * Totals of one group of usage records.
 *
 * @param group model, key id or UTC day (yyyy-MM-dd), depending on {@link UsageQuery.GroupBy}
 * @param errors requests answered with status 400 or above, or ended with an error code
 */
public record UsageRow(String group, long requests, long promptTokens, long completionTokens,
                       long cachedTokens, long reasoningTokens, long errors) {
}
