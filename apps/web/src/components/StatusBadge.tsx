import type { EpochStatus } from '@/lib/status';

export function StatusBadge({ status }: { status: EpochStatus }) {
  return (
    <span className={`badge ${status.replace(' ', '-')}`} data-testid="epoch-status">
      {status}
    </span>
  );
}
