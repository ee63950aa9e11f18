/**
 * Bodies for endpoints whose `format` is `discord` or `slack`: Polar's generic message (the type,
 * the object id and the organization name) with its branding. Polar sends richer messages for
 * some order, subscription and refund events and skips a few events for these formats; the
 * emulator sends the generic message for every event.
 */

/**
 * Polar's `settings.FAVICON_URL` and `settings.THUMBNAIL_URL` are deployment settings whose
 * values are not in its code; these stand in for them.
 */
const FAVICON_URL = "https://polar.sh/favicon.png";
const THUMBNAIL_URL = "https://polar.sh/assets/brand/polar_og.jpg";
/** The embed colour of Polar's Discord messages. */
const DISCORD_COLOR = 25343;

export interface ChatMessage {
  readonly type: string;
  /** `data.id` of the event. */
  readonly objectId: string;
  readonly organizationName: string;
}

export function discordBody({ type, objectId, organizationName }: ChatMessage): string {
  return pythonJsonDumps({
    content: type,
    embeds: [
      {
        color: DISCORD_COLOR,
        author: { name: "Polar.sh", icon_url: FAVICON_URL },
        thumbnail: { url: THUMBNAIL_URL },
        footer: { text: "Powered by Polar.sh" },
        title: type,
        description: type,
        fields: [
          { name: "Object", value: objectId },
          { name: "Organization", value: organizationName },
        ],
      },
    ],
  });
}

export function slackBody({ type, objectId, organizationName }: ChatMessage): string {
  return pythonJsonDumps({
    text: type,
    blocks: [
      {
        type: "section",
        text: { type: "mrkdwn", text: type },
        fields: [
          { type: "mrkdwn", text: `*Object*\n${objectId}` },
          { type: "mrkdwn", text: `*Organization*\n${organizationName}` },
        ],
      },
      {
        type: "context",
        elements: [
          { type: "image", image_url: FAVICON_URL, alt_text: "Polar" },
          { type: "mrkdwn", text: "Powered by Polar.sh" },
        ],
      },
    ],
  });
}

/**
 * Python's `json.dumps` with its defaults, which these bodies go through: `", "` and `": "`
 * separators and non-ASCII characters escaped as `\uXXXX`.
 */
export function pythonJsonDumps(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(pythonJsonDumps).join(", ")}]`;
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).map(
      ([key, item]) => `${pythonJsonDumps(key)}: ${pythonJsonDumps(item)}`,
    );
    return `{${entries.join(", ")}}`;
  }
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
