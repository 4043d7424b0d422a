// S3 against a custom endpoint must be addressed path-style: which environments mean one.
import { describe, expect, it } from 'vitest';
import { s3EndpointConfigured } from '../../src/aws/clients.ts';

describe('s3EndpointConfigured', () => {
  it('is true for an explicit endpoint, AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL', () => {
    expect(s3EndpointConfigured({ endpoint: 'http://localhost:4566' }, {})).toBe(true);
    expect(s3EndpointConfigured({}, { AWS_ENDPOINT_URL_S3: 'http://localhost:9000' })).toBe(true);
    expect(s3EndpointConfigured({}, { AWS_ENDPOINT_URL: 'http://localhost:4566' })).toBe(true);
  });

  it('is false for real AWS, and when configured endpoints are ignored', () => {
    expect(s3EndpointConfigured({}, {})).toBe(false);
    expect(s3EndpointConfigured({}, { AWS_ENDPOINT_URL_LAMBDA: 'http://localhost:1' })).toBe(false);
    expect(
      s3EndpointConfigured(
        {},
        { AWS_ENDPOINT_URL: 'http://localhost:4566', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' },
      ),
    ).toBe(false);
  });
});
