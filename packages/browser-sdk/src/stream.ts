/** `iii-browser-sdk/stream`: types only (the module has no runtime values, but loads). */
/* biome-ignore-all lint/suspicious/noExplicitAny: stream items are arbitrary JSON, as in the official package */

export type StreamGetInput = { stream_name: string; group_id: string; item_id: string };
export type StreamSetInput = { stream_name: string; group_id: string; item_id: string; data: any };
export type StreamDeleteInput = { stream_name: string; group_id: string; item_id: string };
export type StreamListInput = { stream_name: string; group_id: string };
export type StreamListGroupsInput = { stream_name: string };
export type StreamUpdateInput = { stream_name: string; group_id: string; item_id: string; ops: UpdateOp[] };
export type StreamSetResult<TData> = { old_value?: TData; new_value: TData };
export type StreamUpdateResult<TData> = { old_value?: TData; new_value: TData; errors?: UpdateOpError[] };
export type DeleteResult = { old_value?: any };

export type MergePath = string | string[];
export type UpdateSet = { type: 'set'; path: string; value: any };
export type UpdateIncrement = { type: 'increment'; path: string; by: number };
export type UpdateDecrement = { type: 'decrement'; path: string; by: number };
export type UpdateAppend = { type: 'append'; path?: MergePath; value: any };
export type UpdateRemove = { type: 'remove'; path: string };
export type UpdateMerge = { type: 'merge'; path?: MergePath; value: any };
export type UpdateOp = UpdateSet | UpdateIncrement | UpdateDecrement | UpdateAppend | UpdateRemove | UpdateMerge;
export type UpdateOpError = { code: string; message: string; doc_url?: string };

export interface IStream<TData> {
  get(input: StreamGetInput): Promise<TData | null>;
  set(input: StreamSetInput): Promise<StreamSetResult<TData> | null>;
  delete(input: StreamDeleteInput): Promise<DeleteResult>;
  list(input: StreamListInput): Promise<TData[]>;
  listGroups(input: StreamListGroupsInput): Promise<string[]>;
  update(input: StreamUpdateInput): Promise<StreamUpdateResult<TData> | null>;
}

export interface StreamAuthInput {
  headers: Record<string, string>;
  path: string;
  query_params: Record<string, string[]>;
  addr: string;
}
export interface StreamAuthResult {
  context?: any;
}
export type StreamContext = StreamAuthResult['context'];
export interface StreamJoinLeaveEvent {
  subscription_id: string;
  stream_name: string;
  group_id: string;
  id?: string;
  context?: StreamContext;
}
export interface StreamJoinResult {
  unauthorized: boolean;
}
export interface StreamTriggerConfig {
  stream_name: string;
  group_id?: string;
  item_id?: string;
  condition_function_id?: string;
}
export interface StreamJoinLeaveTriggerConfig {
  condition_function_id?: string;
}
/** What a `stream` trigger's function receives for each change. */
export interface StreamChangeEvent {
  type: 'stream';
  timestamp: number;
  streamName: string;
  groupId: string;
  id?: string;
  event: { type: 'create' | 'update' | 'delete'; data: any };
}
