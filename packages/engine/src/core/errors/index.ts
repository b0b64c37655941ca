export { type ErrorCode, ErrorCodes } from './codes.ts';
export { EngineError, type ErrorBody, isErrorBody, toErrorBody } from './engine-error.ts';
