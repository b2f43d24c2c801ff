// Creates each agent's endpoint from its own private parameters; the caller keeps only the endpoint.
import type { PrivateParams } from '../../case/market';
import type { AgentEndpoint } from '../messages';
import { BatterySellerAgent } from './battery';
import { BuyerAgent, GridAgent, SellerAgent } from './closedForm';

export function createAgent(index: number, hours: number, params: PrivateParams): AgentEndpoint {
  switch (params.kind) {
    case 'grid':
      return new GridAgent(index, hours, params);
    case 'buyer':
      return new BuyerAgent(index, hours, params);
    case 'seller':
      return params.battery ? new BatterySellerAgent(index, hours, params) : new SellerAgent(index, hours, params);
  }
}
