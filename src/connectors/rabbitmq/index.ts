/** dstream's RabbitMQ connector: a queue consumed with manual acknowledgement after storing (amqplib). */
export { RabbitMQUtils, type RabbitMQStreamOptions } from "./RabbitMQUtils.js";
export { RabbitMQReceiver, type RabbitMQMessageDecoder, type RabbitMQReceiverConfig } from "./RabbitMQReceiver.js";
