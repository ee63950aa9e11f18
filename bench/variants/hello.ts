// The floor: a hello-world Lambda handler, bundled like ours, for the cold-start ratio.
export const handler = async (): Promise<{ statusCode: number; body: string }> => ({
  statusCode: 200,
  body: "hello",
});
