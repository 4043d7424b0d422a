// S3 as one of the server's services: it claims the REST requests that are neither another
// service's (an X-Amz-Target, STS's form-encoded POST) nor Lambda's `/2015-03-31/` paths, and
// answers them through api.ts. Errors are S3's REST-XML form (errors.ts).
import type { AwsRequest, HttpResult, ServiceApi, ServiceCall } from '../service.ts';
import { ApiError } from '../util.ts';
import { handleS3, routeS3 } from './api.ts';
import { permanentRedirect, S3Error, s3ErrorResponse } from './errors.ts';
import type { S3Model } from './model.ts';

export class S3ServiceApi implements ServiceApi {
  readonly #model: S3Model;

  constructor(model: S3Model) {
    this.#model = model;
  }

  claims(req: AwsRequest): boolean {
    if (req.target !== undefined || req.url.pathname.startsWith('/2015-03-31/')) return false;
    const type = String(req.headers['content-type'] ?? '');
    // STS (query protocol) posts a form to `/`; S3 has no form-encoded operation there.
    return !(req.method === 'POST' && type.startsWith('application/x-www-form-urlencoded'));
  }

  route(req: AwsRequest): ServiceCall {
    const host = typeof req.headers.host === 'string' ? req.headers.host : undefined;
    const route = routeS3(req.method, req.url, host, this.#model);
    return {
      operation: route.operation,
      mutating: route.operation === 'PutObject',
      resource: route.bucket,
      run: () => {
        // One namespace of buckets, each in one region; a request for a bucket elsewhere is
        // sent back (docs/aws-semantics.md#regions).
        const home = this.#model.bucketRegion(route.bucket);
        if (home !== undefined && home !== req.region)
          return s3ErrorResponse(permanentRedirect(route.bucket, home), req.method);
        return handleS3(this.#model, route, req.method, req.url, req.headers, req.body);
      },
    };
  }

  errorResponse(e: ApiError): HttpResult {
    // HEAD answers carry no body; the status is all a client sees (api.ts does the same).
    return s3ErrorResponse(new S3Error(e.status, e.code, e.message), 'GET');
  }

  unauthenticated(): ApiError {
    return new ApiError(403, 'AccessDenied', 'Access Denied');
  }

  readonly faults = {
    throttle: () => new ApiError(503, 'SlowDown', 'Please reduce your request rate.'),
    error500: () =>
      new ApiError(500, 'InternalError', 'We encountered an internal error. Please try again.'),
  };
}
