/** Terraform state objects as the S3 backend stores them, read back for assertions. */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface StateJson {
  serial: number;
  lineage: string;
  resources: Array<{ mode: string; type: string; name: string; module?: string; instances: Array<{ attributes: Record<string, unknown>; status?: string }> }>;
  outputs: Record<string, { value: unknown; type?: unknown; sensitive?: boolean }>;
}

/** The state object at `key` in `bucket`, or undefined when there is none. */
export async function readStateObject(s3: S3Client, bucket: string, key: string): Promise<StateJson | undefined> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse(await response.Body!.transformToString('utf8')) as StateJson;
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
}
