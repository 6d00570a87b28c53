/** `Status` objects, the body of every error the real API server returns (metav1.Status, status Failure). */
import { qualifiedName, type ResourceType } from './resources.js';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason?: string; message: string; field?: string }[];
}

const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 409: 'Conflict',
  410: 'Expired', 415: 'UnsupportedMediaType', 422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError',
  503: 'ServiceUnavailable', 504: 'Timeout',
};

export function reasonForCode(code: number): string {
  return REASON_BY_CODE[code] ?? 'Unknown';
}

/** Thrown by handlers; the server turns it into a Status response. */
export class ApiError extends Error {
  constructor(readonly code: number, readonly reason: string, message: string, readonly details?: StatusDetails) {
    super(message);
  }

  toStatus(): object {
    return {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason,
      ...(this.details ? { details: this.details } : {}), code: this.code,
    };
  }
}

function detailsOf(type: ResourceType, name: string): StatusDetails {
  return { name, group: type.group, kind: type.resource };
}

export const errors = {
  notFound: (type: ResourceType, name: string): ApiError =>
    new ApiError(404, 'NotFound', `${qualifiedName(type)} "${name}" not found`, detailsOf(type, name)),
  alreadyExists: (type: ResourceType, name: string): ApiError =>
    new ApiError(409, 'AlreadyExists', `${qualifiedName(type)} "${name}" already exists`, detailsOf(type, name)),
  conflict: (type: ResourceType, name: string): ApiError =>
    new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedName(type)} "${name}": ` +
      'the object has been modified; please apply your changes to the latest version and try again', detailsOf(type, name)),
  invalid: (type: ResourceType, name: string, field: string, why: string): ApiError =>
    new ApiError(422, 'Invalid', `${type.kind}.${type.group || 'core'} "${name}" is invalid: ${field}: ${why}`,
      { ...detailsOf(type, name), causes: [{ reason: 'FieldValueInvalid', message: why, field }] }),
  badRequest: (message: string): ApiError => new ApiError(400, 'BadRequest', message),
  unauthorized: (): ApiError => new ApiError(401, 'Unauthorized', 'Unauthorized'),
  forbidden: (verb: string, type: ResourceType | undefined, namespace: string, name?: string): ApiError => {
    const what = type ? qualifiedName(type) : 'resource';
    const subject = name ? `${what} "${name}"` : what;
    const group = type?.group ?? '';
    return new ApiError(403, 'Forbidden', `${subject} is forbidden: User "system:serviceaccount:ci:rewind" cannot ${verb} resource ` +
      `"${type?.resource ?? ''}" in API group "${group}" in the namespace "${namespace}"`,
    { ...(name ? { name } : {}), group, kind: type?.resource ?? '' });
  },
  methodNotAllowed: (method: string): ApiError =>
    new ApiError(405, 'MethodNotAllowed', `the server does not allow this method (${method})`),
  unsupportedMediaType: (contentType: string): ApiError =>
    new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ` +
      `application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${contentType})`),
  expired: (rv: string): ApiError => new ApiError(410, 'Expired', `too old resource version: ${rv}`),
  /** What `failNext` answers with: the status code's usual reason, and a message that says it was injected. */
  injected: (code: number): ApiError =>
    new ApiError(code, reasonForCode(code), `injected failure (fakeKube.failNext): ${reasonForCode(code)}`),
};
