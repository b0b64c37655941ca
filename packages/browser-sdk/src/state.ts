/** `iii-browser-sdk/state`: types of the `state::*` functions and `state` trigger events. */
import type { UpdateOp, UpdateOpError } from './stream.ts';

export enum StateEventType {
  Created = 'state:created',
  Updated = 'state:updated',
  Deleted = 'state:deleted',
}

export type StateGetInput = { scope: string; key: string };
// biome-ignore lint/suspicious/noExplicitAny: state values are arbitrary JSON, as in the official package
export type StateSetInput = { scope: string; key: string; value: any };
export type StateDeleteInput = { scope: string; key: string };
export type StateListInput = { scope: string };
export type StateUpdateInput = { scope: string; key: string; ops: UpdateOp[] };
export type StateSetResult<TData> = { old_value?: TData; new_value: TData };
export type StateUpdateResult<TData> = { old_value?: TData; new_value: TData; errors?: UpdateOpError[] };
// biome-ignore lint/suspicious/noExplicitAny: arbitrary JSON
export type StateDeleteResult = { old_value?: any };
export type DeleteResult = StateDeleteResult;

// biome-ignore lint/suspicious/noExplicitAny: arbitrary JSON
export interface StateEventData<TData = any> {
  type: 'state';
  event_type: StateEventType;
  scope: string;
  key: string;
  old_value?: TData;
  new_value?: TData;
}

export interface IState {
  get<TData>(input: StateGetInput): Promise<TData | null>;
  set<TData>(input: StateSetInput): Promise<StateSetResult<TData> | null>;
  delete(input: StateDeleteInput): Promise<StateDeleteResult>;
  list<TData>(input: StateListInput): Promise<TData[]>;
  update<TData>(input: StateUpdateInput): Promise<StateUpdateResult<TData> | null>;
}
