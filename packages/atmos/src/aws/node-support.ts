/**
 * The AWS SDK prints a NodeVersionSupportWarning in every process on Node < 22 (SDK releases
 * after January 2027 will need Node 22). This package supports Node >=20.19 (`engines`) with the
 * SDK versions its lock file pins, so the warning is noise in every plan, describe and test
 * run. The SDK's own switch (read by @aws-sdk/core when a client is made) turns off exactly that
 * warning and nothing else; a value the user set wins. Imported before any client is built.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export {};
