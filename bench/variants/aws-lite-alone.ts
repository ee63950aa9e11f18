// One piece of the receiver's INIT, loaded alone: aws-lite (@aws-lite/client and aws4).
import awsLite from "@aws-lite/client";

export const client = awsLite;
