/// The reducer: how each event type changes the projections.
extension ProjectionState {
    /// Applies one stored event and says which rows changed. Throws when the payload does not
    /// match its type; the store then refuses the event, so a bad event is never half-applied.
    ///
    /// Facts can arrive out of order (the WebSocket and REST race), so an order update that the
    /// order state machine forbids from the current state, or that lowers the filled quantity, is
    /// stale and ignored: the newer state already applied wins. Snapshots simply replace.
    @discardableResult
    public mutating func apply(_ event: Event) throws(PayloadError) -> ProjectionChanges {
        var changes = ProjectionChanges()
        if let seq = event.seq { lastSeq = max(lastSeq, seq) }
        switch event.type {
        case .orderPlaced, .orderUpdated, .orderCancelled, .orderRejected:
            let order = try OrderPayload(json: event.payload)
            let current = orders[order.clientOrderID]
            if let current {
                guard current.status.canMove(to: order.status), order.filledQuantity >= current.filledQuantity
                else { break }
            }
            orders[order.clientOrderID] = order
            changes.orders.insert(order.clientOrderID)
            // Our fills make our holding; anyone else's fills are what a quarantine is about.
            let filled = order.filledQuantity - (current?.filledQuantity ?? .zero)
            if ClientOrderID.isOurs(order.clientOrderID), !filled.isZero {
                holdings[order.symbol, default: .zero] += order.side == .buy ? filled : -filled
                changes.holdings.insert(order.symbol)
            } else if order.type == .liquidation, !filled.isZero, let held = holdings[order.symbol], !held.isZero {
                // The exchange's liquidation closes the position, ours included: our holding goes
                // toward zero by what it filled, never past it.
                let after = held + (order.side == .buy ? filled : -filled)
                holdings[order.symbol] = after.isZero || after.isNegative == held.isNegative ? after : .zero
                changes.holdings.insert(order.symbol)
            }

        case .tradeExecuted:
            let trade = try TradePayload(json: event.payload)
            let key = PnLKey(day: Timestamp(millisecondsSinceEpoch: trade.time).utcDay, asset: trade.pnlAsset)
            var realized = trade.realizedPnl
            if VenueCapabilities.all.first(where: { $0.scopeExchange == event.scope.exchange })?.market == .spot {
                realized += realizeSpot(trade)
                changes.costBasis.insert(trade.symbol)
            }
            pnl[key, default: PnLTotals()].realizedPnl += realized
            pnl[key, default: PnLTotals()].trades += 1
            changes.pnl.insert(key)

        case .feeCharged:
            let fee = try FeePayload(json: event.payload)
            let key = PnLKey(day: Timestamp(millisecondsSinceEpoch: fee.time).utcDay, asset: fee.asset)
            pnl[key, default: PnLTotals()].fees += fee.amount
            changes.pnl.insert(key)

        case .fundingApplied:
            let funding = try FundingPayload(json: event.payload)
            let key = PnLKey(day: Timestamp(millisecondsSinceEpoch: funding.time).utcDay, asset: funding.asset)
            pnl[key, default: PnLTotals()].funding += funding.amount
            changes.pnl.insert(key)

        case .positionChanged:
            let position = try PositionPayload(json: event.payload)
            guard !Self.isLateStreamCopy(event, time: position.time, held: positions[position.symbol]?.time) else { break }
            positions[position.symbol] = position
            changes.positions.insert(position.symbol)

        case .balanceChanged:
            let balance = try BalancePayload(json: event.payload)
            guard !Self.isLateStreamCopy(event, time: balance.time, held: balances[balance.asset]?.time) else { break }
            balances[balance.asset] = balance
            changes.balances.insert(balance.asset)

        case .engineStarted, .enginePaused, .engineResumed, .engineStopped, .engineModeChanged, .configChanged,
             .webSocketConnected, .webSocketReconnected, .webSocketDisconnected,
             .reconciliationPerformed, .driftDetected:
            changes.status = try status.apply(event)

        case .riskGuardRejected:
            _ = try RiskGuardRejectedPayload(json: event.payload)  // audit only, but its shape is checked
        case .strategyEvaluated:
            _ = try StrategyEvaluatedPayload(json: event.payload)  // the runner reads the latest back itself
        case .decisionMade:
            _ = try DecisionMadePayload(json: event.payload)
        case .parametersProposed:
            _ = try event.payload.string("strategy")  // audit and the API: nothing is applied
        case .quarantineStarted:
            let started = try QuarantineStartedPayload(json: event.payload)
            // One at a time per symbol: later outside activity joins the quarantine already there.
            guard quarantines[started.symbol] == nil else { break }
            quarantines[started.symbol] = Quarantine(started: started)
            changes.quarantines.insert(started.symbol)

        case .quarantineCompleted:
            let completed = try QuarantineCompletedPayload(json: event.payload)
            guard let held = quarantines[completed.symbol], held.id == completed.quarantineID else { break }
            switch completed.action {
            case .ignore:
                quarantines[completed.symbol]?.status = .ignored
                quarantines[completed.symbol]?.ignoredBy = completed.by
                quarantines[completed.symbol]?.ignoredAt = completed.time
            case .adopt, .close:
                quarantines[completed.symbol] = nil
            }
            if let owned = completed.ownedAfter {
                holdings[completed.symbol] = owned
                changes.holdings.insert(completed.symbol)
            }
            changes.quarantines.insert(completed.symbol)

        case .internalTransferRequested, .internalTransferCompleted, .internalTransferFailed,
             .depositDetected, .withdrawRequested, .withdrawCompleted, .withdrawFailed:
            _ = try FundMovementPayload(json: event.payload)  // audit and the API; balances move through BalanceChanged
        case .manualOverrideExecuted:
            break
        }
        return changes
    }

    /// A stream snapshot of a position or balance older than the one held: a late or reordered
    /// copy (the stream does not promise order), which must not undo what came after it — a
    /// REST correction above all. Times are the exchange's; REST snapshots, the truth at the
    /// moment of their read, always apply.
    static func isLateStreamCopy(_ event: Event, time: Int64, held: Int64?) -> Bool {
        guard event.source == .webSocket, let held else { return false }
        return time < held
    }
}

extension EngineStatus {
    /// Applies an engine, stream, reconciliation or config event; returns whether anything changed.
    mutating func apply(_ event: Event) throws(PayloadError) -> Bool {
        let before = self
        switch event.type {
        case .engineStarted:
            // A new boot starts from whatever the last process left, even RUNNING after a crash.
            let started = try EngineStartedPayload(json: event.payload)
            engineState = started.state
            engineMode = started.mode
            bootID = started.bootID
            engineSince = event.ts
            engineReason = nil
        case .enginePaused: try move(to: .paused, event)
        case .engineResumed: try move(to: .running, event)
        case .engineStopped: try move(to: .stopped, event)
        case .engineModeChanged:
            let change = try EngineModePayload(json: event.payload)
            engineMode = change.mode
            if change.mode == .safe, engineState.canMove(to: .safe) {
                engineState = .safe
                engineSince = event.ts
                engineReason = change.reason
            } else if change.mode != .safe, engineState == .safe {
                engineState = .paused
                engineSince = event.ts
                engineReason = change.reason
            }
        case .configChanged:
            configVersion = max(configVersion, try ConfigChangedPayload(json: event.payload).version)
        case .webSocketConnected, .webSocketReconnected:
            _ = try StreamPayload(json: event.payload)
            streamState = .connected
            streamSince = event.ts
            if event.type == .webSocketReconnected { reconnects += 1 }
        case .webSocketDisconnected:
            let stream = try StreamPayload(json: event.payload)
            streamState = stream.willReconnect ? .reconnecting : .disconnected
            streamSince = event.ts
        case .reconciliationPerformed:
            let run = try ReconciliationPayload(json: event.payload)
            lastReconcileAt = run.time
            lastReconcileRunID = run.runID
            lastReconcileDrifts = run.drifts
        case .driftDetected:
            _ = try DriftPayload(json: event.payload)
            driftTotal += 1
        default:
            break
        }
        if engineState == .running || engineState == .paused || engineState == .safe { resumeState = engineState }
        return self != before
    }

    private mutating func move(to next: EngineState, _ event: Event) throws(PayloadError) {
        let reason = try EngineReasonPayload(json: event.payload).reason
        guard engineState.canMove(to: next) else { return }
        engineState = next
        engineSince = event.ts
        engineReason = reason
    }
}

extension ProjectionState {
    /// A spot fill against the symbol's cost basis: a buy moves the average; a sale realizes its
    /// price less the average on what it sold and leaves the average. Coin held from before the
    /// account's first fill here costs the exchange's average buy price (the position's entry);
    /// where neither is known, the sale realizes nothing rather than a guess.
    mutating func realizeSpot(_ trade: TradePayload) -> Amount {
        var basis = costBasis[trade.symbol] ?? CostBasis()
        defer { costBasis[trade.symbol] = basis }
        if trade.side == .buy {
            let quantity = basis.quantity + trade.quantity
            guard quantity > .zero else { return .zero }
            basis.averagePrice = (basis.quantity * basis.averagePrice + trade.quantity * trade.price).divided(by: quantity, scale: 8)
            basis.quantity = quantity
            return .zero
        }
        let average = basis.quantity > .zero ? basis.averagePrice : (positions[trade.symbol]?.entryPrice ?? .zero)
        basis.quantity = max(.zero, basis.quantity - trade.quantity)
        if basis.quantity.isZero { basis.averagePrice = .zero }
        return average > .zero ? (trade.price - average) * trade.quantity : .zero
    }
}
