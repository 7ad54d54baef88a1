-- A database made by AlphaEngine b6c27f4 (schema 4), the last code with Int64 exchange ids:
-- `alphaengine demo`, two market orders, a resting and a cancelled limit order, two orders
-- Binance refused, one funding payment. Web users and heartbeats removed. Loaded by
-- IdentifierMigrationTests to show today's code reads it and its dedup keys still hold.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE event_store (
    seq INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    ts TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    causation_id TEXT,
    command_id TEXT,
    source TEXT NOT NULL,
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    scope_exchange TEXT NOT NULL,
    scope_venue TEXT NOT NULL,
    scope_account_id TEXT NOT NULL,
    scope_symbol TEXT,
    scope_mode TEXT NOT NULL,
    dedup_key TEXT NOT NULL UNIQUE,
    payload_json TEXT NOT NULL
);
INSERT INTO event_store VALUES(1,'01a2357d4c2bc9d30ea7451abd96755e','EngineStarted','2026-12-02T06:42:13.675Z','01a2357d4c2bad20071f07f9207858e2',NULL,NULL,'BOT','engine','engine','BINANCE','USDM','main',NULL,'sim','engine:01a2357d4c2be3f3bc1bd82c67f7e0a6:started','{"bootId":"01a2357d4c2be3f3bc1bd82c67f7e0a6","state":"RUNNING","mode":"normal"}');
INSERT INTO event_store VALUES(2,'01a2357d4c31595994170c33cc398671','DriftDetected','2026-12-02T06:42:13.681Z','01a2357d4c31e493ff359ffc2e6249ae',NULL,NULL,'BOT','reconciliation','balance:USDT','BINANCE','USDM','main',NULL,'sim','drift:01a2357d4c2dab3139cf9e18b2bb7668:balance:USDT:walletBalance','{"runId":"01a2357d4c2dab3139cf9e18b2bb7668","entity":"balance:USDT","field":"walletBalance","expected":"10000","actual":"none"}');
INSERT INTO event_store VALUES(3,'01a2357d4c313f9d53103290bddd343b','BalanceChanged','2026-12-02T06:42:13.681Z','01a2357d4c318f68b6047c2fdd5f55a9',NULL,NULL,'REST','balance','USDT','BINANCE','USDM','main',NULL,'sim','balance:USDT:1796193733680:10000:01a2357d4c2dab3139cf9e18b2bb7668','{"asset":"USDT","walletBalance":"10000","crossWalletBalance":"10000","time":1796193733680,"reason":"reconcile"}');
INSERT INTO event_store VALUES(4,'01a2357d4c33a8ef8cd2fedea2f35748','ReconciliationPerformed','2026-12-02T06:42:13.683Z','01a2357d4c330bae4df40b49f5bf87d0',NULL,NULL,'BOT','reconciliation','01a2357d4c2dab3139cf9e18b2bb7668','BINANCE','USDM','main',NULL,'sim','reconcile:01a2357d4c2dab3139cf9e18b2bb7668','{"runId":"01a2357d4c2dab3139cf9e18b2bb7668","trigger":"boot","drifts":1,"time":1796193733683}');
INSERT INTO event_store VALUES(5,'01a2357d4c33d3dcc449330d79e8f61b','WebSocketConnected','2026-12-02T06:42:13.683Z','01a2357d4c337b612c600b0696943299',NULL,NULL,'BOT','stream','01a2357d4c2be3f3bc1bd82c67f7e0a6:1','BINANCE','USDM','main',NULL,'sim','ws:01a2357d4c2be3f3bc1bd82c67f7e0a6:1:WebSocketConnected','{"connectionId":"01a2357d4c2be3f3bc1bd82c67f7e0a6:1","willReconnect":false,"reason":"listenKey a8b02af4…"}');
INSERT INTO event_store VALUES(6,'01a2357d4c37bdc1afa3437dcc234794','ReconciliationPerformed','2026-12-02T06:42:13.687Z','01a2357d4c37af422e771a499b0d95e4',NULL,NULL,'BOT','reconciliation','01a2357d4c3343d35c842db17f8f1276','BINANCE','USDM','main',NULL,'sim','reconcile:01a2357d4c3343d35c842db17f8f1276','{"runId":"01a2357d4c3343d35c842db17f8f1276","trigger":"reconnect","drifts":0,"time":1796193733687}');
INSERT INTO event_store VALUES(7,'01a2357d4c385948aacc4159297d6997','ConfigChanged','2026-12-02T06:42:13.688Z','01a2357d4c38adfd897f2f94a4ce4544',NULL,'01a2357d4bf830762558a7329b0c294f','BOT','config','runtime','BINANCE','USDM','main',NULL,'sim','config:1','{"version":1,"config":{"trading":{"symbol":"BTCUSDT","account_id":"main"},"strategy":{"name":"sma_cross","timeframe":"5m","params":{"fast":10,"slow":20}},"risk":{"max_risk_per_trade":"0.02","daily_loss_limit":"0.05"},"engine":{"poll_interval_sec":30},"logging":{"level":"info"}}}');
INSERT INTO event_store VALUES(8,'01a2357d9c1c602f8579d92fcd1778ce','OrderUpdated','2026-12-02T06:42:34.140Z','01a2357d9c18e642a3eae29bb7dace02',NULL,'01a2357d9c18fe9faea64d6b9f70d35a','REST','order','ae-01a2357d9c18fe9faea64d6b9f70d35a','BINANCE','USDM','main',NULL,'sim','order:BTCUSDT:1000001:FILLED:0.01','{"symbol":"BTCUSDT","clientOrderId":"ae-01a2357d9c18fe9faea64d6b9f70d35a","orderId":1000001,"side":"BUY","type":"MARKET","status":"FILLED","price":"0","quantity":"0.01","filledQuantity":"0.01","averagePrice":"50047.5","reduceOnly":false,"time":1796193754139}');
INSERT INTO event_store VALUES(9,'01a2357d9c1dce761eefe4614d720920','OrderPlaced','2026-12-02T06:42:34.141Z','01a2357d9c1db1358b6b83e189fc35ac',NULL,NULL,'WEBSOCKET','order','ae-01a2357d9c18fe9faea64d6b9f70d35a','BINANCE','USDM','main',NULL,'sim','order:BTCUSDT:1000001:ACKNOWLEDGED:0','{"symbol":"BTCUSDT","clientOrderId":"ae-01a2357d9c18fe9faea64d6b9f70d35a","orderId":1000001,"side":"BUY","type":"MARKET","status":"ACKNOWLEDGED","price":"0","quantity":"0.01","filledQuantity":"0","averagePrice":"0","reduceOnly":false,"time":1796193754139}');
INSERT INTO event_store VALUES(10,'01a2357d9c1ddd3690fb6bd8d66dc42c','BalanceChanged','2026-12-02T06:42:34.141Z','01a2357d9c1d064d6c416b42d5e11026',NULL,NULL,'WEBSOCKET','balance','USDT','BINANCE','USDM','main',NULL,'sim','balance:USDT:1796193754139:9999.7497625','{"asset":"USDT","walletBalance":"9999.7497625","crossWalletBalance":"9999.7497625","time":1796193754139,"change":"0","reason":"ORDER"}');
INSERT INTO event_store VALUES(11,'01a2357d9c1d1d662ca8ffde019e75d2','PositionChanged','2026-12-02T06:42:34.141Z','01a2357d9c1df372408710a4207ef5f3',NULL,NULL,'WEBSOCKET','position','BTCUSDT','BINANCE','USDM','main',NULL,'sim','position:BTCUSDT:1796193754139:0.01','{"symbol":"BTCUSDT","amount":"0.01","entryPrice":"50047.5","unrealizedPnl":"0","time":1796193754139,"reason":"ORDER"}');
INSERT INTO event_store VALUES(12,'01a2357d9c1e4de288d3a6aacab41da4','TradeExecuted','2026-12-02T06:42:34.142Z','01a2357d9c1e501d7c63c78abb35d38c',NULL,NULL,'WEBSOCKET','trade','BTCUSDT:1','BINANCE','USDM','main',NULL,'sim','trade:BTCUSDT:1','{"symbol":"BTCUSDT","tradeId":1,"orderId":1000001,"clientOrderId":"ae-01a2357d9c18fe9faea64d6b9f70d35a","side":"BUY","price":"50047.5","quantity":"0.01","realizedPnl":"0","pnlAsset":"USDT","maker":false,"time":1796193754139}');
INSERT INTO event_store VALUES(13,'01a2357d9c1ea9de292fc96d28ce38c7','FeeCharged','2026-12-02T06:42:34.142Z','01a2357d9c1e93a842f9108150229c60',NULL,NULL,'WEBSOCKET','fee','BTCUSDT:1','BINANCE','USDM','main',NULL,'sim','fee:BTCUSDT:1','{"symbol":"BTCUSDT","tradeId":1,"asset":"USDT","amount":"0.2502375","time":1796193754139}');
INSERT INTO event_store VALUES(14,'01a2357da025774a59abfea91b77de26','OrderUpdated','2026-12-02T06:42:35.173Z','01a2357da01e0863f6d3a61a401ccfcf',NULL,'01a2357da01e8ac55fa03c68292ecb47','REST','order','ae-01a2357da01e8ac55fa03c68292ecb47','BINANCE','USDM','main',NULL,'sim','order:BTCUSDT:1000002:FILLED:0.004','{"symbol":"BTCUSDT","clientOrderId":"ae-01a2357da01e8ac55fa03c68292ecb47","orderId":1000002,"side":"SELL","type":"MARKET","status":"FILLED","price":"0","quantity":"0.004","filledQuantity":"0.004","averagePrice":"50047.2","reduceOnly":true,"time":1796193755170}');
INSERT INTO event_store VALUES(15,'01a2357da0268c9568c40585779cd52d','OrderPlaced','2026-12-02T06:42:35.174Z','01a2357da026af3eeeddd0c8328b5475',NULL,NULL,'WEBSOCKET','order','ae-01a2357da01e8ac55fa03c68292ecb47','BINANCE','USDM','main',NULL,'sim','order:BTCUSDT:1000002:ACKNOWLEDGED:0','{"symbol":"BTCUSDT","clientOrderId":"ae-01a2357da01e8ac55fa03c68292ecb47","orderId":1000002,"side":"SELL","type":"MARKET","status":"ACKNOWLEDGED","price":"0","quantity":"0.004","filledQuantity":"0","averagePrice":"0","reduceOnly":true,"time":1796193755170}');
INSERT INTO event_store VALUES(16,'01a2357da0263d614b33b4abd59fec77','BalanceChanged','2026-12-02T06:42:35.174Z','01a2357da026d2eabcaa5076cbf6b0a2',NULL,NULL,'WEBSOCKET','balance','USDT','BINANCE','USDM','main',NULL,'sim','balance:USDT:1796193755170:9999.6484681','{"asset":"USDT","walletBalance":"9999.6484681","crossWalletBalance":"9999.6484681","time":1796193755170,"change":"0","reason":"ORDER"}');
INSERT INTO event_store VALUES(17,'01a2357da026c62675734da3090b0bef','PositionChanged','2026-12-02T06:42:35.174Z','01a2357da0260cea425b2d34eaf260ea',NULL,NULL,'WEBSOCKET','position','BTCUSDT','BINANCE','USDM','main',NULL,'sim','position:BTCUSDT:1796193755170:0.006','{"symbol":"BTCUSDT","amount":"0.006","entryPrice":"50047.5","unrealizedPnl":"-0.0018","time":1796193755170,"reason":"ORDER"}');
INSERT INTO event_store VALUES(18,'01a2357da0271346e1648f26b2a55f25','TradeExecuted','2026-12-02T06:42:35.175Z','01a2357da027e2cb87779a84652f1fbf',NULL,NULL,'WEBSOCKET','trade','BTCUSDT:2','BINANCE','USDM','main',NULL,'sim','trade:BTCUSDT:2','{"symbol":"BTCUSDT","tradeId":2,"orderId":1000002,"clientOrderId":"ae-01a2357da01e8ac55fa03c68292ecb47","side":"SELL","price":"50047.2","quantity":"0.004","realizedPnl":"-0.0012","pnlAsset":"USDT","maker":false,"time":1796193755170}');
INSERT INTO event_store VALUES(19,'01a2357da02737346125024ae4f08d2f','FeeCharged','2026-12-02T06:42:35.175Z','01a2357da027005c1ff613fd11e1410b',NULL,NULL,'WEBSOCKET','fee','BTCUSDT:2','BINANCE','USDM','main',NULL,'sim','fee:BTCUSDT:2','{"symbol":"BTCUSDT","tradeId":2,"asset":"USDT","amount":"0.1000944","time":1796193755170}');
INSERT INTO event_store VALUES(20,'01a2357dc1695716f2dbaac665da67ff','ReconciliationPerformed','2026-12-02T06:42:43.689Z','01a2357dc169fc68f4aac75b8e34ab49',NULL,NULL,'BOT','reconciliation','01a2357dc1652ae292526ddcca30599e','BINANCE','USDM','main',NULL,'sim','reconcile:01a2357dc1652ae292526ddcca30599e','{"runId":"01a2357dc1652ae292526ddcca30599e","trigger":"schedule","drifts":0,"time":1796193763689}');
INSERT INTO event_store VALUES(21,'01a2357dd52c1bfadf7ed0bf9d05bc26','BalanceChanged','2026-12-02T06:42:48.748Z','01a2357dd52cf30a88d9fb8b3f78a3c9',NULL,NULL,'WEBSOCKET','balance','USDT','BINANCE','USDM','main',NULL,'sim','balance:USDT:1796193768746:9999.61845142','{"asset":"USDT","walletBalance":"9999.61845142","crossWalletBalance":"9999.61845142","time":1796193768746,"change":"-0.03001668","reason":"FUNDING_FEE"}');
INSERT INTO event_store VALUES(22,'01a2357dd530665677a627aa22332d70','FundingApplied','2026-12-02T06:42:48.752Z','01a2357dd53083b5bbb25b937f5d618f',NULL,NULL,'REST','funding','BTCUSDT:4','BINANCE','USDM','main',NULL,'sim','funding:BTCUSDT:4','{"symbol":"BTCUSDT","asset":"USDT","amount":"-0.03001668","tranId":4,"time":1796193768746}');
INSERT INTO event_store VALUES(23,'01a2357e1cfbb65fb8b5b893e70ff9ff','OrderPlaced','2026-12-02T06:43:07.131Z','01a2357e1cf5cc3ee85095c3711e0dc2',NULL,'01a2357e1cf5133ea6c0381b62ad9afb','REST','order','ae-01a2357e1cf5133ea6c0381b62ad9afb','BINANCE','USDM','main',NULL,'sim','order:BTCUSDT:1000003:ACKNOWLEDGED:0','{"symbol":"BTCUSDT","clientOrderId":"ae-01a2357e1cf5133ea6c0381b62ad9afb","orderId":1000003,"side":"BUY","type":"LIMIT","status":"ACKNOWLEDGED","price":"40000","quantity":"0.003","filledQuantity":"0","averagePrice":"0","reduceOnly":false,"time":1796193787127}');
INSERT INTO event_store VALUES(24,'01a2357e1d0488c476b6109b81d8aa04','OrderPlaced','2026-12-02T06:43:07.140Z','01a2357e1d01ce7a2f4efc49a2abba71',NULL,'01a2357e1d010f267fecc344b4de2528','REST','order','ae-01a2357e1d010f267fecc344b4de2528','BINANCE','USDM','main',NULL,'sim','order:BTCUSDT:1000004:ACKNOWLEDGED:0','{"symbol":"BTCUSDT","clientOrderId":"ae-01a2357e1d010f267fecc344b4de2528","orderId":1000004,"side":"BUY","type":"LIMIT","status":"ACKNOWLEDGED","price":"41000","quantity":"0.003","filledQuantity":"0","averagePrice":"0","reduceOnly":false,"time":1796193787140}');
INSERT INTO event_store VALUES(25,'01a2357e24e2cb1350780e4185004f6c','OrderCancelled','2026-12-02T06:43:09.154Z','01a2357e24dfbb722e8f4170a7c46b17',NULL,'01a2357e24df7e05a7cd34543e27fe66','REST','order','ae-01a2357e1d010f267fecc344b4de2528','BINANCE','USDM','main',NULL,'sim','order:BTCUSDT:1000004:CANCELLED:0','{"symbol":"BTCUSDT","clientOrderId":"ae-01a2357e1d010f267fecc344b4de2528","orderId":1000004,"side":"BUY","type":"LIMIT","status":"CANCELLED","price":"41000","quantity":"0.003","filledQuantity":"0","averagePrice":"0","reduceOnly":false,"time":1796193789154}');
INSERT INTO event_store VALUES(26,'01a2357e369d108515de35ffc80afe04','ReconciliationPerformed','2026-12-02T06:43:13.693Z','01a2357e369d18a8e35f058d992e6857',NULL,NULL,'BOT','reconciliation','01a2357e3699a8aae127090646ce89f1','BINANCE','USDM','main',NULL,'sim','reconcile:01a2357e3699a8aae127090646ce89f1','{"runId":"01a2357e3699a8aae127090646ce89f1","trigger":"schedule","drifts":0,"time":1796193793693}');
INSERT INTO event_store VALUES(27,'01a2357e54d2206f5840c2f6e55b909f','EngineStopped','2026-12-02T06:43:21.426Z','01a2357e54d2a562a79282509982319f',NULL,NULL,'BOT','engine','engine','BINANCE','USDM','main',NULL,'sim','engine:01a2357d4c2be3f3bc1bd82c67f7e0a6:stopped','{"reason":"SIGINT/SIGTERM"}');
CREATE TABLE command_store (
    command_id TEXT PRIMARY KEY,
    command_type TEXT NOT NULL,
    ts TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    causation_id TEXT,
    actor_kind TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    scope_exchange TEXT NOT NULL,
    scope_venue TEXT NOT NULL,
    scope_account_id TEXT NOT NULL,
    scope_symbol TEXT,
    scope_mode TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('NEW', 'SENT', 'ACK', 'FAILED')),
    priority INTEGER NOT NULL,
    payload_json TEXT NOT NULL,
    result_json TEXT,
    last_error TEXT,
    claimed_at TEXT,
    updated_at TEXT NOT NULL
);
INSERT INTO command_store VALUES('01a2357d4bf830762558a7329b0c294f','UpdateConfig','2026-12-02T06:42:13.624Z','01a2357d4bf85009af174573bdc3b523',NULL,'SYSTEM','demo','BINANCE','USDM','main',NULL,'sim','demo:initial-config','ACK',50,'{"config":{"trading":{"symbol":"BTCUSDT","account_id":"main"},"strategy":{"name":"sma_cross","timeframe":"5m","params":{"fast":10,"slow":20}},"risk":{"max_risk_per_trade":"0.02","daily_loss_limit":"0.05"},"engine":{"poll_interval_sec":30},"logging":{"level":"info"}},"expectedVersion":0}','{"version":1}',NULL,'2026-12-02T06:42:13.687Z','2026-12-02T06:42:13.688Z');
INSERT INTO command_store VALUES('01a2357d9c18fe9faea64d6b9f70d35a','PlaceOrder','2026-12-02T06:42:34.136Z','01a2357d9c18e642a3eae29bb7dace02',NULL,'USER','web:demo','BINANCE','USDM','main','BTCUSDT','sim','01a2357d9c18fe9faea64d6b9f70d35a','ACK',100,'{"symbol":"BTCUSDT","side":"BUY","type":"MARKET","quantity":"0.010"}','{"resolvedBy":"answer","status":"FILLED","clientOrderId":"ae-01a2357d9c18fe9faea64d6b9f70d35a","orderId":1000001}',NULL,'2026-12-02T06:42:34.138Z','2026-12-02T06:42:34.140Z');
INSERT INTO command_store VALUES('01a2357da01e8ac55fa03c68292ecb47','PlaceOrder','2026-12-02T06:42:35.166Z','01a2357da01e0863f6d3a61a401ccfcf',NULL,'USER','web:demo','BINANCE','USDM','main','BTCUSDT','sim','01a2357da01e8ac55fa03c68292ecb47','ACK',100,'{"symbol":"BTCUSDT","side":"SELL","type":"MARKET","quantity":"0.004","reduceOnly":true}','{"resolvedBy":"answer","status":"FILLED","clientOrderId":"ae-01a2357da01e8ac55fa03c68292ecb47","orderId":1000002}',NULL,'2026-12-02T06:42:35.168Z','2026-12-02T06:42:35.174Z');
INSERT INTO command_store VALUES('01a2357da80e83bee1cef597937062c2','CancelOrder','2026-12-02T06:42:37.198Z','01a2357da80e42434af8aeb6f08b82ae',NULL,'USER','web:demo','BINANCE','USDM','main','BTCUSDT','sim','01a2357da80e83bee1cef597937062c2','FAILED',100,'{"symbol":"BTCUSDT","clientOrderId":"fixture-cancelled"}',NULL,'cancel refused (-2011): Unknown order sent.','2026-12-02T06:42:37.199Z','2026-12-02T06:42:37.202Z');
INSERT INTO command_store VALUES('01a2357dcd25c10597a54cec27b742c3','PlaceOrder','2026-12-02T06:42:46.693Z','01a2357dcd25a4787e21a824ac808ea5',NULL,'USER','web:demo','BINANCE','USDM','main','BTCUSDT','sim','01a2357dcd25c10597a54cec27b742c3','FAILED',100,'{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","price":"1000","quantity":"0.002","timeInForce":"GTC"}','{"clientOrderId":"ae-01a2357dcd25c10597a54cec27b742c3"}','Binance refused (400, -4164): Order''s notional must be no smaller than 100 (unless you choose reduce only).','2026-12-02T06:42:46.695Z','2026-12-02T06:42:46.697Z');
INSERT INTO command_store VALUES('01a2357dcd34a13f376e773d59b4a853','PlaceOrder','2026-12-02T06:42:46.708Z','01a2357dcd345f3141967436ec676494',NULL,'USER','web:demo','BINANCE','USDM','main','BTCUSDT','sim','01a2357dcd34a13f376e773d59b4a853','FAILED',100,'{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","price":"1100","quantity":"0.003","timeInForce":"GTC"}','{"clientOrderId":"ae-01a2357dcd34a13f376e773d59b4a853"}','Binance refused (400, -4164): Order''s notional must be no smaller than 100 (unless you choose reduce only).','2026-12-02T06:42:46.708Z','2026-12-02T06:42:46.712Z');
INSERT INTO command_store VALUES('01a2357dd51a4bb521b4ddb78131f513','CancelOrder','2026-12-02T06:42:48.730Z','01a2357dd51af6c6eaf151d044275ff0',NULL,'USER','web:demo','BINANCE','USDM','main','BTCUSDT','sim','01a2357dd51a4bb521b4ddb78131f513','FAILED',100,'{"symbol":"BTCUSDT","clientOrderId":"ae-01a2357dcd34a13f376e773d59b4a853"}',NULL,'cancel refused (-2011): Unknown order sent.','2026-12-02T06:42:48.732Z','2026-12-02T06:42:48.734Z');
INSERT INTO command_store VALUES('01a2357e1cf5133ea6c0381b62ad9afb','PlaceOrder','2026-12-02T06:43:07.125Z','01a2357e1cf5cc3ee85095c3711e0dc2',NULL,'USER','web:demo','BINANCE','USDM','main','BTCUSDT','sim','01a2357e1cf5133ea6c0381b62ad9afb','ACK',100,'{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","price":"40000","quantity":"0.003","timeInForce":"GTC"}','{"resolvedBy":"answer","status":"ACKNOWLEDGED","clientOrderId":"ae-01a2357e1cf5133ea6c0381b62ad9afb","orderId":1000003}',NULL,'2026-12-02T06:43:07.125Z','2026-12-02T06:43:07.131Z');
INSERT INTO command_store VALUES('01a2357e1d010f267fecc344b4de2528','PlaceOrder','2026-12-02T06:43:07.137Z','01a2357e1d01ce7a2f4efc49a2abba71',NULL,'USER','web:demo','BINANCE','USDM','main','BTCUSDT','sim','01a2357e1d010f267fecc344b4de2528','ACK',100,'{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","price":"41000","quantity":"0.003","timeInForce":"GTC"}','{"resolvedBy":"answer","status":"ACKNOWLEDGED","clientOrderId":"ae-01a2357e1d010f267fecc344b4de2528","orderId":1000004}',NULL,'2026-12-02T06:43:07.138Z','2026-12-02T06:43:07.141Z');
INSERT INTO command_store VALUES('01a2357e24df7e05a7cd34543e27fe66','CancelOrder','2026-12-02T06:43:09.151Z','01a2357e24dfbb722e8f4170a7c46b17',NULL,'USER','web:demo','BINANCE','USDM','main','BTCUSDT','sim','01a2357e24df7e05a7cd34543e27fe66','ACK',100,'{"symbol":"BTCUSDT","clientOrderId":"ae-01a2357e1d010f267fecc344b4de2528"}','{"resolvedBy":"answer","status":"CANCELLED","clientOrderId":"ae-01a2357e1d010f267fecc344b4de2528","orderId":1000004}',NULL,'2026-12-02T06:43:09.153Z','2026-12-02T06:43:09.155Z');
CREATE TABLE config_store (
    key TEXT PRIMARY KEY,
    value_json TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version > 0),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
INSERT INTO config_store VALUES('runtime','{"trading":{"symbol":"BTCUSDT","account_id":"main"},"strategy":{"name":"sma_cross","timeframe":"5m","params":{"fast":10,"slow":20}},"risk":{"max_risk_per_trade":"0.02","daily_loss_limit":"0.05"},"engine":{"poll_interval_sec":30},"logging":{"level":"info"}}',1,'2026-12-02T06:42:13.688Z','demo');
CREATE TABLE projection_orders (
    client_order_id TEXT PRIMARY KEY,
    symbol TEXT NOT NULL,
    order_id INTEGER,
    side TEXT NOT NULL,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    price TEXT NOT NULL,
    quantity TEXT NOT NULL,
    filled_quantity TEXT NOT NULL,
    average_price TEXT NOT NULL,
    reduce_only INTEGER NOT NULL,
    time INTEGER NOT NULL,
    reason TEXT
);
INSERT INTO projection_orders VALUES('ae-01a2357d9c18fe9faea64d6b9f70d35a','BTCUSDT',1000001,'BUY','MARKET','FILLED','0','0.01','0.01','50047.5',0,1796193754139,NULL);
INSERT INTO projection_orders VALUES('ae-01a2357da01e8ac55fa03c68292ecb47','BTCUSDT',1000002,'SELL','MARKET','FILLED','0','0.004','0.004','50047.2',1,1796193755170,NULL);
INSERT INTO projection_orders VALUES('ae-01a2357e1cf5133ea6c0381b62ad9afb','BTCUSDT',1000003,'BUY','LIMIT','ACKNOWLEDGED','40000','0.003','0','0',0,1796193787127,NULL);
INSERT INTO projection_orders VALUES('ae-01a2357e1d010f267fecc344b4de2528','BTCUSDT',1000004,'BUY','LIMIT','CANCELLED','41000','0.003','0','0',0,1796193789154,NULL);
CREATE TABLE projection_positions (
    symbol TEXT PRIMARY KEY,
    amount TEXT NOT NULL,
    entry_price TEXT NOT NULL,
    unrealized_pnl TEXT NOT NULL,
    reason TEXT,
    time INTEGER NOT NULL
);
INSERT INTO projection_positions VALUES('BTCUSDT','0.006','50047.5','-0.0018','ORDER',1796193755170);
CREATE TABLE projection_balances (
    asset TEXT PRIMARY KEY,
    wallet_balance TEXT NOT NULL,
    cross_wallet_balance TEXT NOT NULL,
    change TEXT,
    reason TEXT,
    time INTEGER NOT NULL
);
INSERT INTO projection_balances VALUES('USDT','9999.61845142','9999.61845142','-0.03001668','FUNDING_FEE',1796193768746);
CREATE TABLE projection_pnl_daily (
    day TEXT NOT NULL,
    asset TEXT NOT NULL,
    realized_pnl TEXT NOT NULL,
    fees TEXT NOT NULL,
    funding TEXT NOT NULL,
    trades INTEGER NOT NULL,
    PRIMARY KEY (day, asset)
);
INSERT INTO projection_pnl_daily VALUES('2026-12-02','USDT','-0.0012','0.3503319','-0.03001668',2);
CREATE TABLE projection_status (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    engine_state TEXT NOT NULL,
    engine_mode TEXT NOT NULL,
    engine_since TEXT,
    engine_reason TEXT,
    boot_id TEXT,
    stream_state TEXT NOT NULL,
    stream_since TEXT,
    reconnects INTEGER NOT NULL,
    last_reconcile_at INTEGER,
    last_reconcile_run_id TEXT,
    last_reconcile_drifts INTEGER NOT NULL,
    drift_total INTEGER NOT NULL,
    config_version INTEGER NOT NULL
);
INSERT INTO projection_status VALUES(1,'STOPPED','normal','2026-12-02T06:43:21.426Z','SIGINT/SIGTERM','01a2357d4c2be3f3bc1bd82c67f7e0a6','CONNECTED','2026-12-02T06:42:13.683Z',0,1796193793693,'01a2357e3699a8aae127090646ce89f1',0,1,1);
CREATE TABLE projection_checkpoint (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq INTEGER NOT NULL
);
INSERT INTO projection_checkpoint VALUES(1,27);
CREATE TABLE users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role = 'viewer'),
    secret_hash TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE TABLE revoked_sessions (
    token_id TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE TABLE process_heartbeat (
    process TEXT PRIMARY KEY,
    boot_id TEXT NOT NULL,
    pid INTEGER NOT NULL,
    beat_at TEXT NOT NULL,
    details_json TEXT NOT NULL
);
CREATE INDEX event_store_by_type ON event_store(event_type, seq);
CREATE INDEX event_store_by_entity ON event_store(entity_kind, entity_id, seq);
CREATE TRIGGER event_store_is_append_only_update BEFORE UPDATE ON event_store
    BEGIN SELECT RAISE(ABORT, 'event_store is append-only'); END;
CREATE TRIGGER event_store_is_append_only_delete BEFORE DELETE ON event_store
    BEGIN SELECT RAISE(ABORT, 'event_store is append-only'); END;
CREATE INDEX command_store_claimable ON command_store(priority DESC) WHERE status = 'NEW';
CREATE INDEX command_store_by_status ON command_store(status);
CREATE INDEX projection_orders_by_status ON projection_orders(status);
CREATE INDEX projection_orders_by_status_time ON projection_orders(status, time);
COMMIT;
PRAGMA user_version = 4;
