//////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////
// ClearingLedger
//////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////

export const clearingLedgerAbi = [
  {
    type: 'constructor',
    inputs: [
      { name: 'admin', internalType: 'address', type: 'address' },
      {
        name: 'participantRegistry',
        internalType: 'contract IParticipantRegistry',
        type: 'address',
      },
      { name: 'readingWindowSeconds', internalType: 'uint64', type: 'uint64' },
      {
        name: 'challengeWindowSeconds',
        internalType: 'uint64',
        type: 'uint64',
      },
      { name: 'minimumBond', internalType: 'uint128', type: 'uint128' },
      { name: 'challengerShare', internalType: 'uint16', type: 'uint16' },
      { name: 'treasuryAddress', internalType: 'address', type: 'address' },
    ],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [],
    name: 'CONSENSUS_TYPEHASH',
    outputs: [{ name: '', internalType: 'bytes32', type: 'bytes32' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'DEFAULT_ADMIN_ROLE',
    outputs: [{ name: '', internalType: 'bytes32', type: 'bytes32' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'ORACLE_ROLE',
    outputs: [{ name: '', internalType: 'bytes32', type: 'bytes32' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      {
        name: 'settlementContract',
        internalType: 'contract ISettlement',
        type: 'address',
      },
    ],
    name: 'bindSettlement',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [],
    name: 'challengeWindow',
    outputs: [{ name: '', internalType: 'uint64', type: 'uint64' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'challengerShareBps',
    outputs: [{ name: '', internalType: 'uint16', type: 'uint16' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [{ name: 'commitment', internalType: 'bytes32', type: 'bytes32' }],
    name: 'commitChallenge',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [
      { name: 'epochId', internalType: 'uint32', type: 'uint32' },
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
      { name: 'energyWh', internalType: 'int32[24]', type: 'int32[24]' },
    ],
    name: 'consensusDigest',
    outputs: [{ name: '', internalType: 'bytes32', type: 'bytes32' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'epochId', internalType: 'uint32', type: 'uint32' },
      { name: 'hour', internalType: 'uint8', type: 'uint8' },
      { name: 'scheduleWh', internalType: 'bytes', type: 'bytes' },
      { name: 'salt', internalType: 'bytes32', type: 'bytes32' },
    ],
    name: 'disputeLineOverload',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [
      { name: 'epochId', internalType: 'uint32', type: 'uint32' },
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
      { name: 'signedWh', internalType: 'int32[24]', type: 'int32[24]' },
      { name: 'signature', internalType: 'bytes', type: 'bytes' },
      {
        name: 'posted',
        internalType: 'struct IClearingLedger.RowProof',
        type: 'tuple',
        components: [
          { name: 'energyWh', internalType: 'int32[24]', type: 'int32[24]' },
          { name: 'proof', internalType: 'bytes32[]', type: 'bytes32[]' },
        ],
      },
      { name: 'salt', internalType: 'bytes32', type: 'bytes32' },
    ],
    name: 'disputeSignedSchedule',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [
      { name: 'epochId', internalType: 'uint32', type: 'uint32' },
      {
        name: 'trade',
        internalType: 'struct IClearingLedger.TradeLeaf',
        type: 'tuple',
        components: [
          { name: 'tradeIndex', internalType: 'uint32', type: 'uint32' },
          { name: 'seller', internalType: 'uint16', type: 'uint16' },
          { name: 'buyer', internalType: 'uint16', type: 'uint16' },
          { name: 'hour', internalType: 'uint8', type: 'uint8' },
          { name: 'energyWh', internalType: 'uint64', type: 'uint64' },
          { name: 'value', internalType: 'uint120', type: 'uint120' },
        ],
      },
      { name: 'tradeProof', internalType: 'bytes32[]', type: 'bytes32[]' },
      {
        name: 'seller',
        internalType: 'struct IClearingLedger.RowProof',
        type: 'tuple',
        components: [
          { name: 'energyWh', internalType: 'int32[24]', type: 'int32[24]' },
          { name: 'proof', internalType: 'bytes32[]', type: 'bytes32[]' },
        ],
      },
      {
        name: 'buyer',
        internalType: 'struct IClearingLedger.RowProof',
        type: 'tuple',
        components: [
          { name: 'energyWh', internalType: 'int32[24]', type: 'int32[24]' },
          { name: 'proof', internalType: 'bytes32[]', type: 'bytes32[]' },
        ],
      },
      {
        name: 'tariff',
        internalType: 'struct Tariff',
        type: 'tuple',
        components: [
          { name: 'price', internalType: 'uint64[24]', type: 'uint64[24]' },
          { name: 'shortfall', internalType: 'uint64[24]', type: 'uint64[24]' },
          { name: 'surplus', internalType: 'uint64[24]', type: 'uint64[24]' },
        ],
      },
      { name: 'salt', internalType: 'bytes32', type: 'bytes32' },
    ],
    name: 'disputeTrade',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [{ name: 'epochId', internalType: 'uint32', type: 'uint32' }],
    name: 'documentURI',
    outputs: [{ name: '', internalType: 'string', type: 'string' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'eip712Domain',
    outputs: [
      { name: 'fields', internalType: 'bytes1', type: 'bytes1' },
      { name: 'name', internalType: 'string', type: 'string' },
      { name: 'version', internalType: 'string', type: 'string' },
      { name: 'chainId', internalType: 'uint256', type: 'uint256' },
      { name: 'verifyingContract', internalType: 'address', type: 'address' },
      { name: 'salt', internalType: 'bytes32', type: 'bytes32' },
      { name: 'extensions', internalType: 'uint256[]', type: 'uint256[]' },
    ],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [{ name: 'epochId', internalType: 'uint32', type: 'uint32' }],
    name: 'epoch',
    outputs: [
      {
        name: '',
        internalType: 'struct IClearingLedger.Epoch',
        type: 'tuple',
        components: [
          { name: 'scheduleRoot', internalType: 'bytes32', type: 'bytes32' },
          { name: 'tradeRoot', internalType: 'bytes32', type: 'bytes32' },
          { name: 'documentHash', internalType: 'bytes32', type: 'bytes32' },
          { name: 'tariffHash', internalType: 'bytes32', type: 'bytes32' },
          { name: 'oracle', internalType: 'address', type: 'address' },
          { name: 'postedAt', internalType: 'uint64', type: 'uint64' },
          { name: 'readingsCloseAt', internalType: 'uint64', type: 'uint64' },
          { name: 'challengeEndsAt', internalType: 'uint64', type: 'uint64' },
          { name: 'networkId', internalType: 'uint32', type: 'uint32' },
          { name: 'toleranceWh', internalType: 'uint32', type: 'uint32' },
          { name: 'tradeCount', internalType: 'uint32', type: 'uint32' },
          { name: 'agentCount', internalType: 'uint16', type: 'uint16' },
          { name: 'gridAgent', internalType: 'uint16', type: 'uint16' },
          { name: 'mode', internalType: 'enum SettlementMode', type: 'uint8' },
          { name: 'voided', internalType: 'bool', type: 'bool' },
          { name: 'bondReleased', internalType: 'bool', type: 'bool' },
          { name: 'supplyWh', internalType: 'uint64', type: 'uint64' },
          { name: 'supplyValue', internalType: 'uint128', type: 'uint128' },
          { name: 'lockedValue', internalType: 'uint128', type: 'uint128' },
          { name: 'reserve', internalType: 'uint128', type: 'uint128' },
          { name: 'bond', internalType: 'uint128', type: 'uint128' },
        ],
      },
    ],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'epochIds',
    outputs: [{ name: '', internalType: 'uint32[]', type: 'uint32[]' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [{ name: 'role', internalType: 'bytes32', type: 'bytes32' }],
    name: 'getRoleAdmin',
    outputs: [{ name: '', internalType: 'bytes32', type: 'bytes32' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32' },
      { name: 'account', internalType: 'address', type: 'address' },
    ],
    name: 'grantRole',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32' },
      { name: 'account', internalType: 'address', type: 'address' },
    ],
    name: 'hasRole',
    outputs: [{ name: '', internalType: 'bool', type: 'bool' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'minBond',
    outputs: [{ name: '', internalType: 'uint128', type: 'uint128' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'networks',
    outputs: [
      { name: '', internalType: 'contract INetworkRegistry', type: 'address' },
    ],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'payTreasury',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [
      {
        name: 'p',
        internalType: 'struct IClearingLedger.EpochParams',
        type: 'tuple',
        components: [
          { name: 'epochId', internalType: 'uint32', type: 'uint32' },
          { name: 'networkId', internalType: 'uint32', type: 'uint32' },
          { name: 'mode', internalType: 'enum SettlementMode', type: 'uint8' },
          { name: 'tradeRoot', internalType: 'bytes32', type: 'bytes32' },
          { name: 'tradeCount', internalType: 'uint32', type: 'uint32' },
          { name: 'documentHash', internalType: 'bytes32', type: 'bytes32' },
          { name: 'toleranceWh', internalType: 'uint32', type: 'uint32' },
          { name: 'documentURI', internalType: 'string', type: 'string' },
        ],
      },
      { name: 'scheduleWh', internalType: 'bytes', type: 'bytes' },
      {
        name: 'tariff',
        internalType: 'struct Tariff',
        type: 'tuple',
        components: [
          { name: 'price', internalType: 'uint64[24]', type: 'uint64[24]' },
          { name: 'shortfall', internalType: 'uint64[24]', type: 'uint64[24]' },
          { name: 'surplus', internalType: 'uint64[24]', type: 'uint64[24]' },
        ],
      },
    ],
    name: 'postEpoch',
    outputs: [],
    stateMutability: 'payable',
  },
  {
    type: 'function',
    inputs: [],
    name: 'readingWindow',
    outputs: [{ name: '', internalType: 'uint64', type: 'uint64' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'registry',
    outputs: [
      {
        name: '',
        internalType: 'contract IParticipantRegistry',
        type: 'address',
      },
    ],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [{ name: 'epochId', internalType: 'uint32', type: 'uint32' }],
    name: 'releaseBond',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32' },
      { name: 'callerConfirmation', internalType: 'address', type: 'address' },
    ],
    name: 'renounceRole',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32' },
      { name: 'account', internalType: 'address', type: 'address' },
    ],
    name: 'revokeRole',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [],
    name: 'settlement',
    outputs: [
      { name: '', internalType: 'contract ISettlement', type: 'address' },
    ],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [{ name: 'interfaceId', internalType: 'bytes4', type: 'bytes4' }],
    name: 'supportsInterface',
    outputs: [{ name: '', internalType: 'bool', type: 'bool' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'treasury',
    outputs: [{ name: '', internalType: 'address', type: 'address' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'treasuryOwed',
    outputs: [{ name: '', internalType: 'uint256', type: 'uint256' }],
    stateMutability: 'view',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'epochId',
        internalType: 'uint32',
        type: 'uint32',
        indexed: true,
      },
      {
        name: 'oracle',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'amount',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
    ],
    name: 'BondReleased',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'challenger',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'commitment',
        internalType: 'bytes32',
        type: 'bytes32',
        indexed: true,
      },
    ],
    name: 'ChallengeCommitted',
  },
  { type: 'event', anonymous: false, inputs: [], name: 'EIP712DomainChanged' },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'epochId',
        internalType: 'uint32',
        type: 'uint32',
        indexed: true,
      },
      {
        name: 'networkId',
        internalType: 'uint32',
        type: 'uint32',
        indexed: true,
      },
      {
        name: 'oracle',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'scheduleRoot',
        internalType: 'bytes32',
        type: 'bytes32',
        indexed: false,
      },
      {
        name: 'tradeRoot',
        internalType: 'bytes32',
        type: 'bytes32',
        indexed: false,
      },
      {
        name: 'documentHash',
        internalType: 'bytes32',
        type: 'bytes32',
        indexed: false,
      },
      {
        name: 'documentURI',
        internalType: 'string',
        type: 'string',
        indexed: false,
      },
      {
        name: 'mode',
        internalType: 'enum SettlementMode',
        type: 'uint8',
        indexed: false,
      },
      {
        name: 'toleranceWh',
        internalType: 'uint32',
        type: 'uint32',
        indexed: false,
      },
      {
        name: 'readingsCloseAt',
        internalType: 'uint64',
        type: 'uint64',
        indexed: false,
      },
      {
        name: 'challengeEndsAt',
        internalType: 'uint64',
        type: 'uint64',
        indexed: false,
      },
      {
        name: 'tariff',
        internalType: 'struct Tariff',
        type: 'tuple',
        components: [
          { name: 'price', internalType: 'uint64[24]', type: 'uint64[24]' },
          { name: 'shortfall', internalType: 'uint64[24]', type: 'uint64[24]' },
          { name: 'surplus', internalType: 'uint64[24]', type: 'uint64[24]' },
        ],
        indexed: false,
      },
    ],
    name: 'EpochPosted',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'epochId',
        internalType: 'uint32',
        type: 'uint32',
        indexed: true,
      },
      {
        name: 'challenger',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'violation',
        internalType: 'enum IClearingLedger.Violation',
        type: 'uint8',
        indexed: false,
      },
      {
        name: 'detail',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
      {
        name: 'amount',
        internalType: 'int256',
        type: 'int256',
        indexed: false,
      },
      {
        name: 'reward',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
      {
        name: 'burned',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
    ],
    name: 'EpochVoided',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'readingWindow',
        internalType: 'uint64',
        type: 'uint64',
        indexed: false,
      },
      {
        name: 'challengeWindow',
        internalType: 'uint64',
        type: 'uint64',
        indexed: false,
      },
      {
        name: 'minBond',
        internalType: 'uint128',
        type: 'uint128',
        indexed: false,
      },
      {
        name: 'challengerShareBps',
        internalType: 'uint16',
        type: 'uint16',
        indexed: false,
      },
      {
        name: 'treasury',
        internalType: 'address',
        type: 'address',
        indexed: false,
      },
    ],
    name: 'ParametersSet',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32', indexed: true },
      {
        name: 'previousAdminRole',
        internalType: 'bytes32',
        type: 'bytes32',
        indexed: true,
      },
      {
        name: 'newAdminRole',
        internalType: 'bytes32',
        type: 'bytes32',
        indexed: true,
      },
    ],
    name: 'RoleAdminChanged',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32', indexed: true },
      {
        name: 'account',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'sender',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
    ],
    name: 'RoleGranted',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32', indexed: true },
      {
        name: 'account',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'sender',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
    ],
    name: 'RoleRevoked',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'settlement',
        internalType: 'address',
        type: 'address',
        indexed: false,
      },
    ],
    name: 'SettlementBound',
  },
  { type: 'error', inputs: [], name: 'AccessControlBadConfirmation' },
  {
    type: 'error',
    inputs: [
      { name: 'account', internalType: 'address', type: 'address' },
      { name: 'neededRole', internalType: 'bytes32', type: 'bytes32' },
    ],
    name: 'AccessControlUnauthorizedAccount',
  },
  {
    type: 'error',
    inputs: [{ name: 'epochId', internalType: 'uint32', type: 'uint32' }],
    name: 'BondAlreadySettled',
  },
  {
    type: 'error',
    inputs: [
      { name: 'sent', internalType: 'uint256', type: 'uint256' },
      { name: 'minimum', internalType: 'uint256', type: 'uint256' },
    ],
    name: 'BondTooSmall',
  },
  {
    type: 'error',
    inputs: [
      { name: 'epochId', internalType: 'uint32', type: 'uint32' },
      { name: 'endedAt', internalType: 'uint64', type: 'uint64' },
    ],
    name: 'ChallengeWindowClosed',
  },
  {
    type: 'error',
    inputs: [
      { name: 'epochId', internalType: 'uint32', type: 'uint32' },
      { name: 'endsAt', internalType: 'uint64', type: 'uint64' },
    ],
    name: 'ChallengeWindowOpen',
  },
  { type: 'error', inputs: [], name: 'ECDSAInvalidSignature' },
  {
    type: 'error',
    inputs: [{ name: 'length', internalType: 'uint256', type: 'uint256' }],
    name: 'ECDSAInvalidSignatureLength',
  },
  {
    type: 'error',
    inputs: [{ name: 's', internalType: 'bytes32', type: 'bytes32' }],
    name: 'ECDSAInvalidSignatureS',
  },
  { type: 'error', inputs: [], name: 'EmptyCommitment' },
  {
    type: 'error',
    inputs: [{ name: 'epochId', internalType: 'uint32', type: 'uint32' }],
    name: 'EpochAlreadyPosted',
  },
  {
    type: 'error',
    inputs: [{ name: 'epochId', internalType: 'uint32', type: 'uint32' }],
    name: 'EpochIsVoided',
  },
  {
    type: 'error',
    inputs: [{ name: 'epochId', internalType: 'uint32', type: 'uint32' }],
    name: 'EpochNotPosted',
  },
  { type: 'error', inputs: [], name: 'FailedCall' },
  {
    type: 'error',
    inputs: [{ name: 'hour', internalType: 'uint256', type: 'uint256' }],
    name: 'HourOutOfRange',
  },
  {
    type: 'error',
    inputs: [
      { name: 'balance', internalType: 'uint256', type: 'uint256' },
      { name: 'needed', internalType: 'uint256', type: 'uint256' },
    ],
    name: 'InsufficientBalance',
  },
  { type: 'error', inputs: [], name: 'InvalidScheduleProof' },
  { type: 'error', inputs: [], name: 'InvalidShortString' },
  { type: 'error', inputs: [], name: 'InvalidTradeProof' },
  {
    type: 'error',
    inputs: [{ name: 'networkId', internalType: 'uint32', type: 'uint32' }],
    name: 'NetworkNotPostable',
  },
  {
    type: 'error',
    inputs: [{ name: 'epochId', internalType: 'uint32', type: 'uint32' }],
    name: 'NoViolation',
  },
  {
    type: 'error',
    inputs: [{ name: 'signer', internalType: 'address', type: 'address' }],
    name: 'NotSignedByOracle',
  },
  { type: 'error', inputs: [], name: 'ReentrancyGuardReentrantCall' },
  {
    type: 'error',
    inputs: [
      { name: 'length', internalType: 'uint256', type: 'uint256' },
      { name: 'rows', internalType: 'uint256', type: 'uint256' },
    ],
    name: 'RowsLengthMismatch',
  },
  {
    type: 'error',
    inputs: [
      { name: 'bits', internalType: 'uint8', type: 'uint8' },
      { name: 'value', internalType: 'uint256', type: 'uint256' },
    ],
    name: 'SafeCastOverflowedUintDowncast',
  },
  {
    type: 'error',
    inputs: [{ name: 'settlement', internalType: 'address', type: 'address' }],
    name: 'SettlementBinding',
  },
  {
    type: 'error',
    inputs: [{ name: 'bps', internalType: 'uint16', type: 'uint16' }],
    name: 'ShareTooLarge',
  },
  {
    type: 'error',
    inputs: [{ name: 'str', internalType: 'string', type: 'string' }],
    name: 'StringTooLong',
  },
  { type: 'error', inputs: [], name: 'TariffMismatch' },
  {
    type: 'error',
    inputs: [{ name: 'hour', internalType: 'uint256', type: 'uint256' }],
    name: 'TariffOutOfOrder',
  },
  {
    type: 'error',
    inputs: [{ name: 'tradeCount', internalType: 'uint32', type: 'uint32' }],
    name: 'TradeRootMismatch',
  },
  {
    type: 'error',
    inputs: [
      { name: 'hour', internalType: 'uint256', type: 'uint256' },
      { name: 'sumWh', internalType: 'int256', type: 'int256' },
    ],
    name: 'UnbalancedHour',
  },
  { type: 'error', inputs: [], name: 'ZeroAddress' },
  { type: 'error', inputs: [], name: 'ZeroEpochId' },
] as const

//////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////
// MeterReadings
//////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////

export const meterReadingsAbi = [
  {
    type: 'constructor',
    inputs: [
      {
        name: 'participantRegistry',
        internalType: 'contract IParticipantRegistry',
        type: 'address',
      },
      {
        name: 'clearingLedger',
        internalType: 'contract IClearingLedger',
        type: 'address',
      },
    ],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [],
    name: 'METER_READING_TYPEHASH',
    outputs: [{ name: '', internalType: 'bytes32', type: 'bytes32' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'MISSING_READING',
    outputs: [{ name: '', internalType: 'int32', type: 'int32' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'epochId', internalType: 'uint32', type: 'uint32' },
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
      { name: 'meter', internalType: 'address', type: 'address' },
      { name: 'energyWh', internalType: 'int32[24]', type: 'int32[24]' },
    ],
    name: 'clearReadings',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [
      { name: 'epochId', internalType: 'uint32', type: 'uint32' },
      { name: 'agentIds', internalType: 'uint16[]', type: 'uint16[]' },
    ],
    name: 'commitments',
    outputs: [{ name: 'out', internalType: 'bytes32[]', type: 'bytes32[]' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'eip712Domain',
    outputs: [
      { name: 'fields', internalType: 'bytes1', type: 'bytes1' },
      { name: 'name', internalType: 'string', type: 'string' },
      { name: 'version', internalType: 'string', type: 'string' },
      { name: 'chainId', internalType: 'uint256', type: 'uint256' },
      { name: 'verifyingContract', internalType: 'address', type: 'address' },
      { name: 'salt', internalType: 'bytes32', type: 'bytes32' },
      { name: 'extensions', internalType: 'uint256[]', type: 'uint256[]' },
    ],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'epochId', internalType: 'uint32', type: 'uint32' },
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
    ],
    name: 'hasReadings',
    outputs: [{ name: '', internalType: 'bool', type: 'bool' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'ledger',
    outputs: [
      { name: '', internalType: 'contract IClearingLedger', type: 'address' },
    ],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'meter', internalType: 'address', type: 'address' },
      { name: 'energyWh', internalType: 'int32[24]', type: 'int32[24]' },
    ],
    name: 'readingCommitment',
    outputs: [{ name: '', internalType: 'bytes32', type: 'bytes32' }],
    stateMutability: 'pure',
  },
  {
    type: 'function',
    inputs: [
      { name: 'epochId', internalType: 'uint32', type: 'uint32' },
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
      { name: 'energyWh', internalType: 'int32[24]', type: 'int32[24]' },
    ],
    name: 'readingDigest',
    outputs: [{ name: '', internalType: 'bytes32', type: 'bytes32' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'registry',
    outputs: [
      {
        name: '',
        internalType: 'contract IParticipantRegistry',
        type: 'address',
      },
    ],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      {
        name: 'batch',
        internalType: 'struct IMeterReadings.SignedReading[]',
        type: 'tuple[]',
        components: [
          { name: 'epochId', internalType: 'uint32', type: 'uint32' },
          { name: 'agentId', internalType: 'uint16', type: 'uint16' },
          { name: 'energyWh', internalType: 'int32[24]', type: 'int32[24]' },
          { name: 'signature', internalType: 'bytes', type: 'bytes' },
        ],
      },
    ],
    name: 'submitReadings',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  { type: 'event', anonymous: false, inputs: [], name: 'EIP712DomainChanged' },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'epochId',
        internalType: 'uint32',
        type: 'uint32',
        indexed: true,
      },
      {
        name: 'agentId',
        internalType: 'uint16',
        type: 'uint16',
        indexed: true,
      },
    ],
    name: 'ReadingSkipped',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'epochId',
        internalType: 'uint32',
        type: 'uint32',
        indexed: true,
      },
      {
        name: 'agentId',
        internalType: 'uint16',
        type: 'uint16',
        indexed: true,
      },
      {
        name: 'meter',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
    ],
    name: 'ReadingsCleared',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'epochId',
        internalType: 'uint32',
        type: 'uint32',
        indexed: true,
      },
      {
        name: 'agentId',
        internalType: 'uint16',
        type: 'uint16',
        indexed: true,
      },
      {
        name: 'meter',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'energyWh',
        internalType: 'int32[24]',
        type: 'int32[24]',
        indexed: false,
      },
    ],
    name: 'ReadingsSubmitted',
  },
  {
    type: 'error',
    inputs: [{ name: 'agentId', internalType: 'uint16', type: 'uint16' }],
    name: 'AgentInactive',
  },
  {
    type: 'error',
    inputs: [
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
      { name: 'networkId', internalType: 'uint32', type: 'uint32' },
    ],
    name: 'AgentNotInNetwork',
  },
  { type: 'error', inputs: [], name: 'EmptyBatch' },
  {
    type: 'error',
    inputs: [{ name: 'epochId', internalType: 'uint32', type: 'uint32' }],
    name: 'EpochIsVoided',
  },
  {
    type: 'error',
    inputs: [{ name: 'epochId', internalType: 'uint32', type: 'uint32' }],
    name: 'EpochNotPosted',
  },
  {
    type: 'error',
    inputs: [
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
      { name: 'recovered', internalType: 'address', type: 'address' },
    ],
    name: 'InvalidMeterSignature',
  },
  { type: 'error', inputs: [], name: 'InvalidShortString' },
  {
    type: 'error',
    inputs: [{ name: 'meter', internalType: 'address', type: 'address' }],
    name: 'MeterKeyNotRetired',
  },
  {
    type: 'error',
    inputs: [{ name: 'agentId', internalType: 'uint16', type: 'uint16' }],
    name: 'MeterKeyRevoked',
  },
  {
    type: 'error',
    inputs: [{ name: 'caller', internalType: 'address', type: 'address' }],
    name: 'NotRegistrar',
  },
  {
    type: 'error',
    inputs: [
      { name: 'epochId', internalType: 'uint32', type: 'uint32' },
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
    ],
    name: 'ReadingNotStored',
  },
  {
    type: 'error',
    inputs: [
      { name: 'epochId', internalType: 'uint32', type: 'uint32' },
      { name: 'closedAt', internalType: 'uint64', type: 'uint64' },
    ],
    name: 'ReadingWindowClosed',
  },
  {
    type: 'error',
    inputs: [
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
      { name: 'key', internalType: 'address', type: 'address' },
    ],
    name: 'RetiredMeterKey',
  },
  {
    type: 'error',
    inputs: [{ name: 'str', internalType: 'string', type: 'string' }],
    name: 'StringTooLong',
  },
] as const

//////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////
// NetworkRegistry
//////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////

export const networkRegistryAbi = [
  {
    type: 'constructor',
    inputs: [{ name: 'admin', internalType: 'address', type: 'address' }],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [],
    name: 'DEFAULT_ADMIN_ROLE',
    outputs: [{ name: '', internalType: 'bytes32', type: 'bytes32' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'PTDF_SCALE',
    outputs: [{ name: '', internalType: 'int256', type: 'int256' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'REGISTRAR_ROLE',
    outputs: [{ name: '', internalType: 'bytes32', type: 'bytes32' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [{ name: 'role', internalType: 'bytes32', type: 'bytes32' }],
    name: 'getRoleAdmin',
    outputs: [{ name: '', internalType: 'bytes32', type: 'bytes32' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32' },
      { name: 'account', internalType: 'address', type: 'address' },
    ],
    name: 'grantRole',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32' },
      { name: 'account', internalType: 'address', type: 'address' },
    ],
    name: 'hasRole',
    outputs: [{ name: '', internalType: 'bool', type: 'bool' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [{ name: 'networkId', internalType: 'uint32', type: 'uint32' }],
    name: 'lineLimits',
    outputs: [{ name: '', internalType: 'uint32[]', type: 'uint32[]' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [{ name: 'networkId', internalType: 'uint32', type: 'uint32' }],
    name: 'network',
    outputs: [
      {
        name: 'n',
        internalType: 'struct INetworkRegistry.Network',
        type: 'tuple',
        components: [
          { name: 'busCount', internalType: 'uint16', type: 'uint16' },
          { name: 'lineCount', internalType: 'uint16', type: 'uint16' },
          { name: 'slackBus', internalType: 'uint16', type: 'uint16' },
          { name: 'flowToleranceWh', internalType: 'uint32', type: 'uint32' },
          { name: 'dataHash', internalType: 'bytes32', type: 'bytes32' },
        ],
      },
    ],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'networkCount',
    outputs: [{ name: '', internalType: 'uint32', type: 'uint32' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [{ name: 'networkId', internalType: 'uint32', type: 'uint32' }],
    name: 'ptdf',
    outputs: [{ name: '', internalType: 'int32[]', type: 'int32[]' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'networkId', internalType: 'uint32', type: 'uint32' },
      { name: 'line', internalType: 'uint256', type: 'uint256' },
      { name: 'bus', internalType: 'uint16', type: 'uint16' },
    ],
    name: 'ptdfEntry',
    outputs: [{ name: '', internalType: 'int32', type: 'int32' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'busCount', internalType: 'uint16', type: 'uint16' },
      { name: 'slackBus', internalType: 'uint16', type: 'uint16' },
      { name: 'flowToleranceWh', internalType: 'uint32', type: 'uint32' },
      { name: 'limitsWh', internalType: 'uint32[]', type: 'uint32[]' },
      { name: 'ptdfEntries', internalType: 'int32[]', type: 'int32[]' },
    ],
    name: 'registerNetwork',
    outputs: [{ name: 'networkId', internalType: 'uint32', type: 'uint32' }],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32' },
      { name: 'callerConfirmation', internalType: 'address', type: 'address' },
    ],
    name: 'renounceRole',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32' },
      { name: 'account', internalType: 'address', type: 'address' },
    ],
    name: 'revokeRole',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [{ name: 'interfaceId', internalType: 'bytes4', type: 'bytes4' }],
    name: 'supportsInterface',
    outputs: [{ name: '', internalType: 'bool', type: 'bool' }],
    stateMutability: 'view',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'networkId',
        internalType: 'uint32',
        type: 'uint32',
        indexed: true,
      },
      {
        name: 'busCount',
        internalType: 'uint16',
        type: 'uint16',
        indexed: false,
      },
      {
        name: 'lineCount',
        internalType: 'uint16',
        type: 'uint16',
        indexed: false,
      },
      {
        name: 'slackBus',
        internalType: 'uint16',
        type: 'uint16',
        indexed: false,
      },
      {
        name: 'dataHash',
        internalType: 'bytes32',
        type: 'bytes32',
        indexed: false,
      },
    ],
    name: 'NetworkRegistered',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32', indexed: true },
      {
        name: 'previousAdminRole',
        internalType: 'bytes32',
        type: 'bytes32',
        indexed: true,
      },
      {
        name: 'newAdminRole',
        internalType: 'bytes32',
        type: 'bytes32',
        indexed: true,
      },
    ],
    name: 'RoleAdminChanged',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32', indexed: true },
      {
        name: 'account',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'sender',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
    ],
    name: 'RoleGranted',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32', indexed: true },
      {
        name: 'account',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'sender',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
    ],
    name: 'RoleRevoked',
  },
  { type: 'error', inputs: [], name: 'AccessControlBadConfirmation' },
  {
    type: 'error',
    inputs: [
      { name: 'account', internalType: 'address', type: 'address' },
      { name: 'neededRole', internalType: 'bytes32', type: 'bytes32' },
    ],
    name: 'AccessControlUnauthorizedAccount',
  },
  {
    type: 'error',
    inputs: [
      { name: 'bus', internalType: 'uint16', type: 'uint16' },
      { name: 'busCount', internalType: 'uint16', type: 'uint16' },
    ],
    name: 'BusOutOfRange',
  },
  {
    type: 'error',
    inputs: [
      { name: 'line', internalType: 'uint256', type: 'uint256' },
      { name: 'lineCount', internalType: 'uint16', type: 'uint16' },
    ],
    name: 'LineOutOfRange',
  },
  {
    type: 'error',
    inputs: [
      { name: 'busCount', internalType: 'uint256', type: 'uint256' },
      { name: 'lineCount', internalType: 'uint256', type: 'uint256' },
    ],
    name: 'NetworkTooSmall',
  },
  {
    type: 'error',
    inputs: [{ name: 'line', internalType: 'uint256', type: 'uint256' }],
    name: 'NonPositiveLineLimit',
  },
  {
    type: 'error',
    inputs: [
      { name: 'line', internalType: 'uint256', type: 'uint256' },
      { name: 'bus', internalType: 'uint256', type: 'uint256' },
      { name: 'value', internalType: 'int32', type: 'int32' },
    ],
    name: 'PtdfEntryOutOfRange',
  },
  {
    type: 'error',
    inputs: [
      { name: 'length', internalType: 'uint256', type: 'uint256' },
      { name: 'expected', internalType: 'uint256', type: 'uint256' },
    ],
    name: 'PtdfShapeMismatch',
  },
  {
    type: 'error',
    inputs: [
      { name: 'slackBus', internalType: 'uint16', type: 'uint16' },
      { name: 'busCount', internalType: 'uint16', type: 'uint16' },
    ],
    name: 'SlackBusOutOfRange',
  },
  {
    type: 'error',
    inputs: [
      { name: 'line', internalType: 'uint256', type: 'uint256' },
      { name: 'value', internalType: 'int32', type: 'int32' },
    ],
    name: 'SlackColumnNotZero',
  },
  {
    type: 'error',
    inputs: [{ name: 'networkId', internalType: 'uint32', type: 'uint32' }],
    name: 'UnknownNetwork',
  },
] as const

//////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////
// ParticipantRegistry
//////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////

export const participantRegistryAbi = [
  {
    type: 'constructor',
    inputs: [
      { name: 'admin', internalType: 'address', type: 'address' },
      {
        name: 'networkRegistry',
        internalType: 'contract INetworkRegistry',
        type: 'address',
      },
    ],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [],
    name: 'DEFAULT_ADMIN_ROLE',
    outputs: [{ name: '', internalType: 'bytes32', type: 'bytes32' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'MAX_AGENTS',
    outputs: [{ name: '', internalType: 'uint16', type: 'uint16' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'REGISTRAR_ROLE',
    outputs: [{ name: '', internalType: 'bytes32', type: 'bytes32' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [{ name: 'agentId', internalType: 'uint16', type: 'uint16' }],
    name: 'agent',
    outputs: [
      {
        name: '',
        internalType: 'struct IParticipantRegistry.Agent',
        type: 'tuple',
        components: [
          { name: 'owner', internalType: 'address', type: 'address' },
          { name: 'meter', internalType: 'address', type: 'address' },
          { name: 'networkId', internalType: 'uint32', type: 'uint32' },
          { name: 'bus', internalType: 'uint16', type: 'uint16' },
          { name: 'networkIndex', internalType: 'uint16', type: 'uint16' },
          {
            name: 'kind',
            internalType: 'enum IParticipantRegistry.AgentKind',
            type: 'uint8',
          },
          { name: 'hasStorage', internalType: 'bool', type: 'bool' },
          { name: 'active', internalType: 'bool', type: 'bool' },
        ],
      },
    ],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'agentCount',
    outputs: [{ name: '', internalType: 'uint16', type: 'uint16' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [{ name: 'meter', internalType: 'address', type: 'address' }],
    name: 'agentOfMeter',
    outputs: [
      { name: 'assigned', internalType: 'bool', type: 'bool' },
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
    ],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [{ name: 'role', internalType: 'bytes32', type: 'bytes32' }],
    name: 'getRoleAdmin',
    outputs: [{ name: '', internalType: 'bytes32', type: 'bytes32' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32' },
      { name: 'account', internalType: 'address', type: 'address' },
    ],
    name: 'grantRole',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [{ name: 'networkId', internalType: 'uint32', type: 'uint32' }],
    name: 'gridAgent',
    outputs: [
      { name: 'exists', internalType: 'bool', type: 'bool' },
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
    ],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32' },
      { name: 'account', internalType: 'address', type: 'address' },
    ],
    name: 'hasRole',
    outputs: [{ name: '', internalType: 'bool', type: 'bool' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [{ name: 'meter', internalType: 'address', type: 'address' }],
    name: 'isRetiredMeter',
    outputs: [{ name: '', internalType: 'bool', type: 'bool' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [{ name: 'networkId', internalType: 'uint32', type: 'uint32' }],
    name: 'networkAgentCount',
    outputs: [{ name: '', internalType: 'uint16', type: 'uint16' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [{ name: 'networkId', internalType: 'uint32', type: 'uint32' }],
    name: 'networkAgents',
    outputs: [{ name: '', internalType: 'uint16[]', type: 'uint16[]' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'networks',
    outputs: [{ name: '', internalType: 'address', type: 'address' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'owner', internalType: 'address', type: 'address' },
      { name: 'meter', internalType: 'address', type: 'address' },
      { name: 'networkId', internalType: 'uint32', type: 'uint32' },
      { name: 'bus', internalType: 'uint16', type: 'uint16' },
      {
        name: 'kind',
        internalType: 'enum IParticipantRegistry.AgentKind',
        type: 'uint8',
      },
      { name: 'hasStorage', internalType: 'bool', type: 'bool' },
    ],
    name: 'registerAgent',
    outputs: [{ name: 'agentId', internalType: 'uint16', type: 'uint16' }],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32' },
      { name: 'callerConfirmation', internalType: 'address', type: 'address' },
    ],
    name: 'renounceRole',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [{ name: 'agentId', internalType: 'uint16', type: 'uint16' }],
    name: 'revokeMeter',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32' },
      { name: 'account', internalType: 'address', type: 'address' },
    ],
    name: 'revokeRole',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
      { name: 'newMeter', internalType: 'address', type: 'address' },
    ],
    name: 'rotateMeter',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
      { name: 'active', internalType: 'bool', type: 'bool' },
    ],
    name: 'setActive',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [{ name: 'interfaceId', internalType: 'bytes4', type: 'bytes4' }],
    name: 'supportsInterface',
    outputs: [{ name: '', internalType: 'bool', type: 'bool' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
      { name: 'newOwner', internalType: 'address', type: 'address' },
    ],
    name: 'transferAgentOwnership',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'agentId',
        internalType: 'uint16',
        type: 'uint16',
        indexed: true,
      },
      { name: 'active', internalType: 'bool', type: 'bool', indexed: false },
    ],
    name: 'AgentActiveSet',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'agentId',
        internalType: 'uint16',
        type: 'uint16',
        indexed: true,
      },
      {
        name: 'previousOwner',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'newOwner',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
    ],
    name: 'AgentOwnershipTransferred',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'agentId',
        internalType: 'uint16',
        type: 'uint16',
        indexed: true,
      },
      {
        name: 'owner',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'meter',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'networkId',
        internalType: 'uint32',
        type: 'uint32',
        indexed: false,
      },
      { name: 'bus', internalType: 'uint16', type: 'uint16', indexed: false },
      {
        name: 'kind',
        internalType: 'enum IParticipantRegistry.AgentKind',
        type: 'uint8',
        indexed: false,
      },
      {
        name: 'hasStorage',
        internalType: 'bool',
        type: 'bool',
        indexed: false,
      },
    ],
    name: 'AgentRegistered',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'agentId',
        internalType: 'uint16',
        type: 'uint16',
        indexed: true,
      },
      {
        name: 'meter',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
    ],
    name: 'MeterRevoked',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'agentId',
        internalType: 'uint16',
        type: 'uint16',
        indexed: true,
      },
      {
        name: 'oldMeter',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'newMeter',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
    ],
    name: 'MeterRotated',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32', indexed: true },
      {
        name: 'previousAdminRole',
        internalType: 'bytes32',
        type: 'bytes32',
        indexed: true,
      },
      {
        name: 'newAdminRole',
        internalType: 'bytes32',
        type: 'bytes32',
        indexed: true,
      },
    ],
    name: 'RoleAdminChanged',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32', indexed: true },
      {
        name: 'account',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'sender',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
    ],
    name: 'RoleGranted',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32', indexed: true },
      {
        name: 'account',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'sender',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
    ],
    name: 'RoleRevoked',
  },
  { type: 'error', inputs: [], name: 'AccessControlBadConfirmation' },
  {
    type: 'error',
    inputs: [
      { name: 'account', internalType: 'address', type: 'address' },
      { name: 'neededRole', internalType: 'bytes32', type: 'bytes32' },
    ],
    name: 'AccessControlUnauthorizedAccount',
  },
  {
    type: 'error',
    inputs: [
      { name: 'bus', internalType: 'uint16', type: 'uint16' },
      { name: 'busCount', internalType: 'uint16', type: 'uint16' },
    ],
    name: 'BusOutOfRange',
  },
  {
    type: 'error',
    inputs: [
      { name: 'networkId', internalType: 'uint32', type: 'uint32' },
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
    ],
    name: 'GridAgentExists',
  },
  {
    type: 'error',
    inputs: [
      { name: 'meter', internalType: 'address', type: 'address' },
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
    ],
    name: 'MeterInUse',
  },
  {
    type: 'error',
    inputs: [{ name: 'meter', internalType: 'address', type: 'address' }],
    name: 'MeterRetired',
  },
  {
    type: 'error',
    inputs: [{ name: 'agentId', internalType: 'uint16', type: 'uint16' }],
    name: 'NoMeter',
  },
  {
    type: 'error',
    inputs: [
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
      { name: 'caller', internalType: 'address', type: 'address' },
    ],
    name: 'NotAgentOwner',
  },
  { type: 'error', inputs: [], name: 'TooManyAgents' },
  {
    type: 'error',
    inputs: [{ name: 'agentId', internalType: 'uint16', type: 'uint16' }],
    name: 'UnknownAgent',
  },
  { type: 'error', inputs: [], name: 'ZeroAddress' },
] as const

//////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////
// Settlement
//////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////

export const settlementAbi = [
  {
    type: 'constructor',
    inputs: [
      {
        name: 'participantRegistry',
        internalType: 'contract IParticipantRegistry',
        type: 'address',
      },
      {
        name: 'clearingLedger',
        internalType: 'contract IClearingLedger',
        type: 'address',
      },
      {
        name: 'meterReadings',
        internalType: 'contract IMeterReadings',
        type: 'address',
      },
      {
        name: 'settlementToken',
        internalType: 'contract IERC20',
        type: 'address',
      },
    ],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [{ name: 'agentId', internalType: 'uint16', type: 'uint16' }],
    name: 'accountOf',
    outputs: [
      {
        name: '',
        internalType: 'struct ISettlement.Account',
        type: 'tuple',
        components: [
          { name: 'available', internalType: 'uint128', type: 'uint128' },
          { name: 'locked', internalType: 'uint120', type: 'uint120' },
          { name: 'opened', internalType: 'bool', type: 'bool' },
        ],
      },
    ],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
      { name: 'amount', internalType: 'uint256', type: 'uint256' },
    ],
    name: 'deposit',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [{ name: 'epochId', internalType: 'uint32', type: 'uint32' }],
    name: 'epochBook',
    outputs: [
      {
        name: '',
        internalType: 'struct ISettlement.EpochBook',
        type: 'tuple',
        components: [
          { name: 'pot', internalType: 'uint128', type: 'uint128' },
          { name: 'reserve', internalType: 'uint128', type: 'uint128' },
          { name: 'settledAgents', internalType: 'uint32', type: 'uint32' },
          { name: 'credited', internalType: 'uint128', type: 'uint128' },
          { name: 'forfeited', internalType: 'uint128', type: 'uint128' },
          { name: 'surplusCredited', internalType: 'uint128', type: 'uint128' },
          {
            name: 'shortfallCharged',
            internalType: 'uint128',
            type: 'uint128',
          },
          {
            name: 'shortfallUncollected',
            internalType: 'uint128',
            type: 'uint128',
          },
        ],
      },
    ],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'epochId', internalType: 'uint32', type: 'uint32' },
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
    ],
    name: 'isSettled',
    outputs: [{ name: '', internalType: 'bool', type: 'bool' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'ledger',
    outputs: [
      { name: '', internalType: 'contract IClearingLedger', type: 'address' },
    ],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'epochId', internalType: 'uint32', type: 'uint32' },
      { name: 'agentIds', internalType: 'uint16[]', type: 'uint16[]' },
      { name: 'locks', internalType: 'uint256[]', type: 'uint256[]' },
      { name: 'gridAgent', internalType: 'uint16', type: 'uint16' },
      { name: 'reserve', internalType: 'uint256', type: 'uint256' },
    ],
    name: 'lockEpoch',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [],
    name: 'meters',
    outputs: [
      { name: '', internalType: 'contract IMeterReadings', type: 'address' },
    ],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [{ name: 'agentIds', internalType: 'uint16[]', type: 'uint16[]' }],
    name: 'openAccounts',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [],
    name: 'registry',
    outputs: [
      {
        name: '',
        internalType: 'contract IParticipantRegistry',
        type: 'address',
      },
    ],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'epochId', internalType: 'uint32', type: 'uint32' },
      {
        name: 'batch',
        internalType: 'struct ISettlement.AgentDays',
        type: 'tuple',
        components: [
          { name: 'agentIds', internalType: 'uint16[]', type: 'uint16[]' },
          { name: 'scheduleWh', internalType: 'bytes', type: 'bytes' },
          { name: 'meters', internalType: 'address[]', type: 'address[]' },
          { name: 'measuredWh', internalType: 'bytes', type: 'bytes' },
        ],
      },
      { name: 'proof', internalType: 'bytes32[]', type: 'bytes32[]' },
      { name: 'proofFlagBits', internalType: 'uint256[]', type: 'uint256[]' },
      {
        name: 'tariff',
        internalType: 'struct Tariff',
        type: 'tuple',
        components: [
          { name: 'price', internalType: 'uint64[24]', type: 'uint64[24]' },
          { name: 'shortfall', internalType: 'uint64[24]', type: 'uint64[24]' },
          { name: 'surplus', internalType: 'uint64[24]', type: 'uint64[24]' },
        ],
      },
    ],
    name: 'settleAgents',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [],
    name: 'token',
    outputs: [{ name: '', internalType: 'address', type: 'address' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
      { name: 'amount', internalType: 'uint256', type: 'uint256' },
      { name: 'to', internalType: 'address', type: 'address' },
    ],
    name: 'withdraw',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'agentId',
        internalType: 'uint16',
        type: 'uint16',
        indexed: true,
      },
    ],
    name: 'AccountOpened',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'epochId',
        internalType: 'uint32',
        type: 'uint32',
        indexed: true,
      },
      {
        name: 'caller',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'settled',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
      {
        name: 'skipped',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
    ],
    name: 'BatchSettled',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'agentId',
        internalType: 'uint16',
        type: 'uint16',
        indexed: true,
      },
      { name: 'from', internalType: 'address', type: 'address', indexed: true },
      {
        name: 'amount',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
    ],
    name: 'Deposited',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'epochId',
        internalType: 'uint32',
        type: 'uint32',
        indexed: true,
      },
      {
        name: 'dust',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
      {
        name: 'reserveReturned',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
    ],
    name: 'EpochClosed',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'epochId',
        internalType: 'uint32',
        type: 'uint32',
        indexed: true,
      },
      {
        name: 'agentId',
        internalType: 'uint16',
        type: 'uint16',
        indexed: true,
      },
      {
        name: 'amount',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
    ],
    name: 'Locked',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'epochId',
        internalType: 'uint32',
        type: 'uint32',
        indexed: true,
      },
      {
        name: 'agentId',
        internalType: 'uint16',
        type: 'uint16',
        indexed: true,
      },
      {
        name: 'passedMask',
        internalType: 'uint24',
        type: 'uint24',
        indexed: false,
      },
      {
        name: 'lock',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
      {
        name: 'credit',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
      {
        name: 'forfeit',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
      {
        name: 'surplusCredit',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
      {
        name: 'shortfallCharged',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
      {
        name: 'shortfallUncollected',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
    ],
    name: 'PositionSettled',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'epochId',
        internalType: 'uint32',
        type: 'uint32',
        indexed: true,
      },
      {
        name: 'agentId',
        internalType: 'uint16',
        type: 'uint16',
        indexed: true,
      },
      {
        name: 'amount',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
    ],
    name: 'Refunded',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'agentId',
        internalType: 'uint16',
        type: 'uint16',
        indexed: true,
      },
      { name: 'to', internalType: 'address', type: 'address', indexed: true },
      {
        name: 'amount',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
    ],
    name: 'Withdrawn',
  },
  {
    type: 'error',
    inputs: [{ name: 'agentId', internalType: 'uint16', type: 'uint16' }],
    name: 'AgentInactive',
  },
  { type: 'error', inputs: [], name: 'BatchShapeMismatch' },
  { type: 'error', inputs: [], name: 'EmptyBatch' },
  {
    type: 'error',
    inputs: [
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
      { name: 'available', internalType: 'uint256', type: 'uint256' },
      { name: 'requested', internalType: 'uint256', type: 'uint256' },
    ],
    name: 'InsufficientBalance',
  },
  { type: 'error', inputs: [], name: 'InvalidMultiProof' },
  { type: 'error', inputs: [], name: 'InvalidScheduleProof' },
  {
    type: 'error',
    inputs: [
      { name: 'agentId', internalType: 'uint16', type: 'uint16' },
      { name: 'caller', internalType: 'address', type: 'address' },
    ],
    name: 'NotAgentOwner',
  },
  {
    type: 'error',
    inputs: [{ name: 'caller', internalType: 'address', type: 'address' }],
    name: 'NotLedger',
  },
  {
    type: 'error',
    inputs: [{ name: 'agentId', internalType: 'uint16', type: 'uint16' }],
    name: 'ReadingMismatch',
  },
  { type: 'error', inputs: [], name: 'ReentrancyGuardReentrantCall' },
  {
    type: 'error',
    inputs: [
      { name: 'length', internalType: 'uint256', type: 'uint256' },
      { name: 'rows', internalType: 'uint256', type: 'uint256' },
    ],
    name: 'RowsLengthMismatch',
  },
  {
    type: 'error',
    inputs: [
      { name: 'bits', internalType: 'uint8', type: 'uint8' },
      { name: 'value', internalType: 'uint256', type: 'uint256' },
    ],
    name: 'SafeCastOverflowedUintDowncast',
  },
  {
    type: 'error',
    inputs: [{ name: 'token', internalType: 'address', type: 'address' }],
    name: 'SafeERC20FailedOperation',
  },
  {
    type: 'error',
    inputs: [
      { name: 'epochId', internalType: 'uint32', type: 'uint32' },
      { name: 'opensAfter', internalType: 'uint64', type: 'uint64' },
    ],
    name: 'SettlementNotOpen',
  },
  { type: 'error', inputs: [], name: 'TariffMismatch' },
  { type: 'error', inputs: [], name: 'ZeroAmount' },
] as const

//////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////
// SettlementToken
//////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////

export const settlementTokenAbi = [
  {
    type: 'constructor',
    inputs: [{ name: 'admin', internalType: 'address', type: 'address' }],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [],
    name: 'DEFAULT_ADMIN_ROLE',
    outputs: [{ name: '', internalType: 'bytes32', type: 'bytes32' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'MINTER_ROLE',
    outputs: [{ name: '', internalType: 'bytes32', type: 'bytes32' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'owner', internalType: 'address', type: 'address' },
      { name: 'spender', internalType: 'address', type: 'address' },
    ],
    name: 'allowance',
    outputs: [{ name: '', internalType: 'uint256', type: 'uint256' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'spender', internalType: 'address', type: 'address' },
      { name: 'value', internalType: 'uint256', type: 'uint256' },
    ],
    name: 'approve',
    outputs: [{ name: '', internalType: 'bool', type: 'bool' }],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [{ name: 'account', internalType: 'address', type: 'address' }],
    name: 'balanceOf',
    outputs: [{ name: '', internalType: 'uint256', type: 'uint256' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'decimals',
    outputs: [{ name: '', internalType: 'uint8', type: 'uint8' }],
    stateMutability: 'pure',
  },
  {
    type: 'function',
    inputs: [{ name: 'role', internalType: 'bytes32', type: 'bytes32' }],
    name: 'getRoleAdmin',
    outputs: [{ name: '', internalType: 'bytes32', type: 'bytes32' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32' },
      { name: 'account', internalType: 'address', type: 'address' },
    ],
    name: 'grantRole',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32' },
      { name: 'account', internalType: 'address', type: 'address' },
    ],
    name: 'hasRole',
    outputs: [{ name: '', internalType: 'bool', type: 'bool' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'to', internalType: 'address', type: 'address' },
      { name: 'amount', internalType: 'uint256', type: 'uint256' },
    ],
    name: 'mint',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [],
    name: 'name',
    outputs: [{ name: '', internalType: 'string', type: 'string' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32' },
      { name: 'callerConfirmation', internalType: 'address', type: 'address' },
    ],
    name: 'renounceRole',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32' },
      { name: 'account', internalType: 'address', type: 'address' },
    ],
    name: 'revokeRole',
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [{ name: 'interfaceId', internalType: 'bytes4', type: 'bytes4' }],
    name: 'supportsInterface',
    outputs: [{ name: '', internalType: 'bool', type: 'bool' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'symbol',
    outputs: [{ name: '', internalType: 'string', type: 'string' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [],
    name: 'totalSupply',
    outputs: [{ name: '', internalType: 'uint256', type: 'uint256' }],
    stateMutability: 'view',
  },
  {
    type: 'function',
    inputs: [
      { name: 'to', internalType: 'address', type: 'address' },
      { name: 'value', internalType: 'uint256', type: 'uint256' },
    ],
    name: 'transfer',
    outputs: [{ name: '', internalType: 'bool', type: 'bool' }],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    inputs: [
      { name: 'from', internalType: 'address', type: 'address' },
      { name: 'to', internalType: 'address', type: 'address' },
      { name: 'value', internalType: 'uint256', type: 'uint256' },
    ],
    name: 'transferFrom',
    outputs: [{ name: '', internalType: 'bool', type: 'bool' }],
    stateMutability: 'nonpayable',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      {
        name: 'owner',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'spender',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'value',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
    ],
    name: 'Approval',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32', indexed: true },
      {
        name: 'previousAdminRole',
        internalType: 'bytes32',
        type: 'bytes32',
        indexed: true,
      },
      {
        name: 'newAdminRole',
        internalType: 'bytes32',
        type: 'bytes32',
        indexed: true,
      },
    ],
    name: 'RoleAdminChanged',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32', indexed: true },
      {
        name: 'account',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'sender',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
    ],
    name: 'RoleGranted',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      { name: 'role', internalType: 'bytes32', type: 'bytes32', indexed: true },
      {
        name: 'account',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
      {
        name: 'sender',
        internalType: 'address',
        type: 'address',
        indexed: true,
      },
    ],
    name: 'RoleRevoked',
  },
  {
    type: 'event',
    anonymous: false,
    inputs: [
      { name: 'from', internalType: 'address', type: 'address', indexed: true },
      { name: 'to', internalType: 'address', type: 'address', indexed: true },
      {
        name: 'value',
        internalType: 'uint256',
        type: 'uint256',
        indexed: false,
      },
    ],
    name: 'Transfer',
  },
  { type: 'error', inputs: [], name: 'AccessControlBadConfirmation' },
  {
    type: 'error',
    inputs: [
      { name: 'account', internalType: 'address', type: 'address' },
      { name: 'neededRole', internalType: 'bytes32', type: 'bytes32' },
    ],
    name: 'AccessControlUnauthorizedAccount',
  },
  {
    type: 'error',
    inputs: [
      { name: 'spender', internalType: 'address', type: 'address' },
      { name: 'allowance', internalType: 'uint256', type: 'uint256' },
      { name: 'needed', internalType: 'uint256', type: 'uint256' },
    ],
    name: 'ERC20InsufficientAllowance',
  },
  {
    type: 'error',
    inputs: [
      { name: 'sender', internalType: 'address', type: 'address' },
      { name: 'balance', internalType: 'uint256', type: 'uint256' },
      { name: 'needed', internalType: 'uint256', type: 'uint256' },
    ],
    name: 'ERC20InsufficientBalance',
  },
  {
    type: 'error',
    inputs: [{ name: 'approver', internalType: 'address', type: 'address' }],
    name: 'ERC20InvalidApprover',
  },
  {
    type: 'error',
    inputs: [{ name: 'receiver', internalType: 'address', type: 'address' }],
    name: 'ERC20InvalidReceiver',
  },
  {
    type: 'error',
    inputs: [{ name: 'sender', internalType: 'address', type: 'address' }],
    name: 'ERC20InvalidSender',
  },
  {
    type: 'error',
    inputs: [{ name: 'spender', internalType: 'address', type: 'address' }],
    name: 'ERC20InvalidSpender',
  },
] as const
